package dev.eventloop.exercises;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a test keeps true, and where the course explains it. When the test fails,
 * {@link GuardFailures} puts both at the head of its message, so that a learner whose change broke
 * it reads what broke and where to look, before the figures.
 *
 * <p>On a test method, or on a test class for all its methods that have none of their own. An
 * exercise test leaves {@link #read} out: its exercise's page is where to read.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface Guards {
    /** The behaviour, as a sentence that follows "Your change broke this: ", without a final full stop. */
    String value();

    /**
     * Where to read about it: a page relative to the repository root, and a section:
     * {@code docs/07-production-failures.md#3-half-close}. Empty for an exercise test.
     */
    String read() default "";
}
