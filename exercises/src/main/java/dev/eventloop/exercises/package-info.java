/**
 * The chapter 6 server, ready to be improved by the exercises.
 *
 * <p>Outside the marked regions, every file here is chapter 6's ({@code SourceParityTest} keeps
 * it so), plus what an exercise needs that chapter 6 does not have, each line or block marked
 * {@code given for exercise n}: exercise 1's turn of {@code READS_PER_WAKE_UP} reads; exercise 4's
 * clock, option and counted idle deadline; exercise 5's option, the other loops (servers on the
 * same listener that never accept) and the counts of who touched a connection or a poller.
 * {@link dev.eventloop.exercises.Epoll}, the epoll-shaped wrapper of exercise 1, and
 * {@link dev.eventloop.exercises.Loops}, exercise 5's loops, have files of their own. Each region
 * is marked {@code EXERCISE n (tag)} and
 * holds chapter 6's code, or nothing, until you change it:
 *
 * <ol>
 *   <li>{@code epoll}: keep the interest set between waits, read once per wake-up, and give each
 *       connection a turn of at most 16 reads ({@code docs/exercises/01-epoll.md});
 *   <li>{@code deferred-memmove}: move unconsumed bytes only when a read needs the room
 *       ({@code docs/exercises/02-deferred-memmove.md});
 *   <li>{@code batched-writes}: answer every buffered request, then send them all
 *       ({@code docs/exercises/03-batched-writes.md});
 *   <li>{@code idle-timeout}, optional, after the book's three: close connections that stay idle,
 *       with the wait's timeout as the timer ({@code docs/exercises/04-idle-timeout.md});
 *   <li>{@code loops}, optional: a loop per core, each owning its connections, and tasks handed to
 *       a loop through its queue and a wakeup ({@code docs/exercises/05-loops.md}).
 * </ol>
 *
 * <p>The tests tagged with each exercise fail until it is done; {@code ./mvnw test -pl exercises}
 * ends with a summary of where you are. Every read and write goes through
 * {@link dev.eventloop.exercises.CountedChannel}, every wait through
 * {@link dev.eventloop.exercises.Poll} or {@link dev.eventloop.exercises.Epoll}: the tests count
 * there, below the code you write.
 */
package dev.eventloop.exercises;
