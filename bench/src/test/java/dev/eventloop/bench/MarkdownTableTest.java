package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {
    @Test
    void figuresAreRightAlignedAndMissingCellsEmpty() {
        String table = MarkdownTable.of("server", "requests/s", "verdict").leftAligned(2)
                .row("chapter 6", "1,234", "met")
                .row("Netty", "not measured")
                .toString();

        assertThat(table).isEqualTo("""
                | server | requests/s | verdict |
                |---|--:|---|
                | chapter 6 | 1,234 | met |
                | Netty | not measured | |
                """);
    }

    @Test
    void aRowNamedByANumberIsRightAlignedToo() {
        assertThat(MarkdownTable.of("D", "ns").firstColumnRightAligned().row(1, 2.5).toString())
                .isEqualTo("| D | ns |\n|--:|--:|\n| 1 | 2.5 |\n");
    }

    @Test
    void aRowWithMoreCellsThanColumnsIsAMistake() {
        assertThatThrownBy(() -> MarkdownTable.of("a").row("1", "2")).isInstanceOf(IllegalArgumentException.class);
    }
}
