package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The matrix's options, as the report quotes and uses them. */
class MatrixTest {
    private static final Path ROOT = Path.of("/repo").toAbsolutePath();

    @Test
    void anOutputDirectoryIsRelativeToTheRepositoryRoot() {
        Matrix.Settings s = Matrix.Settings.parse("--root", ROOT.toString(), "--out", "docs/benchmarks/two-loops");

        assertThat(s.out()).isEqualTo(ROOT.resolve("docs/benchmarks/two-loops"));
        assertThat(s.linkTo("docs/08-measuring.md")).isEqualTo("../../08-measuring.md");
        assertThat(s.command()).endsWith("-Pmatrix -Dbench.args=\"--out docs/benchmarks/two-loops\"");
    }

    @Test
    void withoutAnOutputDirectoryTheFullMatrixWritesTheDocsAndAQuickOneTheBuild() {
        assertThat(Matrix.Settings.parse("--root", ROOT.toString()).out()).isEqualTo(ROOT.resolve("docs/benchmarks"));
        assertThat(Matrix.Settings.parse("--root", ROOT.toString(), "--quick").out())
                .isEqualTo(ROOT.resolve("bench/target/benchmarks"));
    }
}
