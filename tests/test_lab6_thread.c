/*
 * test_lab6_thread.c - a thread's birth and death on the fake machine of
 * lab6_fake.h (exercises 2 and 3 of handouts/lab6.md): the first frame
 * ctx_first_frame lays out, word by word (what switch_stacks pops, Intel SDM
 * Vol. 1 6.2-6.3, and the psABI's alignment), and then for real: the fake
 * switches into frames built by the same code. A new thread starts with
 * interrupts on whoever switched to it (a thread, or the tick's exit hook
 * inside an interrupt), runs fn(arg), and ends when fn returns or calls
 * thread_exit; its joiner wakes, whether it joined before or after the end.
 * schedule() counts every switch (thread_counts.switches, next->switches_in)
 * and the exit hook every preemption (thread_counts.preemptions): one test
 * checks the counts alone, so that its name says what is missing.
 */
#include "host.h"
#include "lab6_fake.h"

#define WORD ((uintptr_t)sizeof(uintptr_t))
#define FILL 0xa5

static void never_called(void) { abort(); }

/* What a word holds, for a reader: the fill below says it was never written. */
static const char *word_note(uintptr_t v)
{
    uintptr_t fill;
    memset(&fill, FILL, sizeof fill);
    return v == fill ? " (unwritten stack fill)" : v == (uintptr_t)never_called ? " (entry)" : "";
}

/* One word of the frame against what switch_stacks pops there, in hex: a CHECK_EQ
   would print the fill 0xa5a5... as a large negative decimal. */
#define CHECK_WORD(i, want, what)                                                       \
    do {                                                                                \
        uintptr_t got_ = w[i], want_ = (want);                                          \
        if (got_ != want_) {                                                            \
            printf("  %s:%d: top %% 16 == %zu: frame word %d (%s, sp + %d) == 0x%lx%s, "  \
                   "expected 0x%lx%s\n", __FILE__, __LINE__, skew, (int)(i), what,      \
                   (int)((i) * WORD), (unsigned long)got_, word_note(got_),             \
                   (unsigned long)want_, word_note(want_));                             \
            host_current_failed = 1;                                                    \
        }                                                                               \
    } while (0)

/* The frame below top, from a buffer whose top is `skew` bytes past a 16-byte boundary.
   False when something is wrong (it has said what). */
static bool check_first_frame(size_t skew)
{
    static uint8_t buf[512] __attribute__((aligned(16)));
    uint8_t *top = buf + 256 + skew;
    int failed_before = host_current_failed;
    memset(buf, FILL, sizeof buf);
    host_current_failed = 0;

    uintptr_t sp = ctx_first_frame(top, never_called);
    uintptr_t *w = (uintptr_t *)sp;
    uintptr_t above = (uintptr_t)&w[SWITCH_SAVED_REGS + 2];     /* entry's arguments' place */
    if (sp % WORD != 0 || sp < (uintptr_t)buf + WORD || sp >= (uintptr_t)top) {
        printf("  %s:%d: top %% 16 == %zu: ctx_first_frame(top = %p) == 0x%lx, expected a "
               "word-aligned address below top (%ld bytes from it)\n", __FILE__, __LINE__,
               skew, (void *)top, (unsigned long)sp, (long)((intptr_t)top - (intptr_t)sp));
        host_current_failed = 1;
        return false;
    }
    for (int i = 0; i < SWITCH_SAVED_REGS; i++)
        CHECK_WORD(i, 0, "a register switch_stacks pops");
    CHECK_WORD(SWITCH_SAVED_REGS, (uintptr_t)never_called, "what its ret pops: entry");
    CHECK_WORD(SWITCH_SAVED_REGS + 1, 0, "entry's own return address");
    if (above % STACK_ALIGN != 0 || above > (uintptr_t)top ||
        (uintptr_t)top - above >= STACK_ALIGN) {
        long off = (long)((intptr_t)above - (intptr_t)top);
        printf("  %s:%d: top %% 16 == %zu: the frame's %d words end %ld bytes %s top, expected "
               "%zu bytes below it (at the 16-aligned address at or below top, so that sp + a "
               "word is 16-aligned as entry begins): a word too many or too few\n", __FILE__,
               __LINE__, skew, SWITCH_SAVED_REGS + 2, off > 0 ? off : -off,
               off > 0 ? "above" : "below", skew);
        host_current_failed = 1;
    }
    for (uint8_t *b = top; b < buf + sizeof buf; b++) {
        if (*b != FILL) {
            printf("  %s:%d: top %% 16 == %zu: the byte at top + %ld == 0x%02x, expected 0x%02x "
                   "(unwritten stack fill): nothing is written at or above top\n", __FILE__,
                   __LINE__, skew, (long)(b - top), *b, FILL);
            host_current_failed = 1;
            break;
        }
    }
    for (uint8_t *b = buf; b < (uint8_t *)sp; b++) {
        if (*b != FILL) {
            printf("  %s:%d: top %% 16 == %zu: the byte at sp - %ld == 0x%02x, expected 0x%02x "
                   "(unwritten stack fill): nothing is written below the frame\n", __FILE__,
                   __LINE__, skew, (long)((uint8_t *)sp - b), *b, FILL);
            host_current_failed = 1;
            break;
        }
    }
    bool ok = !host_current_failed;
    host_current_failed |= failed_before;
    return ok;
}

TEST(the_first_frame_is_what_switch_stacks_pops_below_an_aligned_top)
{
    for (size_t skew = 0; skew < STACK_ALIGN; skew += 4)
        if (!check_first_frame(skew))
            break;                          /* one top's report is enough */
}

/* ---- the trampoline -------------------------------------------------------- */
struct seen {
    bool irqs_on, right_thread, running, aligned;
    void *arg;
    int runs;
};
static struct seen seen[4];
/* A thread's first look at itself: IF, its arg, that it is current, its frame's alignment. */
static void note_start(void *arg)
{
    int i = (int)((uintptr_t)arg & 3);
    struct thread *self = thread_current();
    seen[i].irqs_on = intr_enabled();
    seen[i].arg = arg;
    static const char *const names[] = { "above", "below", "equal" };
    seen[i].right_thread = strcmp(self->name, names[i]) == 0 && self->arg == arg;
    seen[i].running = self->state == THREAD_RUNNING;
    seen[i].aligned = (uintptr_t)__builtin_frame_address(0) % STACK_ALIGN == 0;
    seen[i].runs++;
    record((char)('a' + i));
}

static void start_main(void)
{
    static long args[2] __attribute__((aligned(4)));
    struct thread *above = spawn_thread(note_start, (void *)((uintptr_t)&args[0] | 0), "above", 40);
    record('m');
    struct thread *below = spawn_thread(note_start, (void *)((uintptr_t)&args[1] | 1), "below", 20);
    record('n');
    thread_join(above);
    thread_join(below);
}

TEST(a_new_thread_starts_with_interrupts_on_and_runs_fn_with_its_arg)
{
    memset(seen, 0, sizeof seen);
    norder = 0;
    CHECK_RUN(fake_run(start_main, false), 0);
    CHECK_STR(order, "amnb");               /* above main at once; below when main blocks */
    for (int i = 0; i < 2; i++) {
        CHECK(seen[i].irqs_on);             /* schedule()'s mask released */
        CHECK(seen[i].right_thread);
        CHECK(seen[i].running);
        CHECK(seen[i].aligned);             /* the psABI's 16 bytes, kept by every call */
        CHECK_EQ(seen[i].runs, 1);
        CHECK_EQ((uintptr_t)seen[i].arg & 3, (uintptr_t)i);
    }
}

/* An equal of main's starts only when main's slice ends: switched to from the tick's exit
   hook, inside an interrupt (IF clear, as an interrupt gate leaves it). */
static void spins_then_notes(void *arg)
{
    note_start(arg);
    for (int k = 0; k < 3 * FAKE_STEPS_PER_TICK; k++)
        fake_spin();                        /* only a tick can take the CPU back */
    record('s');
}

static void preempted_main(void)
{
    struct thread *equal = spawn_thread(spins_then_notes, (void *)2, "equal", THREAD_PRIO_DEFAULT);
    record('m');
    while (seen[2].runs == 0)
        fake_spin();                        /* main never yields: the tick preempts it */
    record('M');
    thread_join(equal);
}

TEST(a_thread_first_switched_to_by_the_tick_starts_with_interrupts_on)
{
    memset(seen, 0, sizeof seen);
    norder = 0;
    CHECK_RUN(fake_run(preempted_main, false), 0);
    CHECK(seen[2].irqs_on);
    CHECK(seen[2].right_thread);
    CHECK(strncmp(order, "mc", 2) == 0);
    CHECK(strchr(order, 'M') != NULL && strchr(order, 's') != NULL);
}

/* ---- the counters: every switch and every preemption is counted ---------------- */
/* A count, against what it must be: said as what it is, with the step that counts it. */
#define CHECK_COUNTED(count, op, want, where)                                           \
    do {                                                                                \
        long long c_ = (long long)(count), w_ = (long long)(want);                      \
        if (!(c_ op w_)) {                                                              \
            printf("  %s:%d: %s == %lld, expected %s %lld: the switch/preemption counters " \
                   "are not counted (%s)\n", __FILE__, __LINE__, #count, c_, #op, w_,   \
                   where);                                                              \
            host_current_failed = 1;                                                    \
        }                                                                               \
    } while (0)

static struct thread_stats counted_before, counted_after;
static uint32_t main_in_before, main_in_after, b_switches_in;

static void yields_once(void *unused)
{
    (void)unused;
    record('b');
    thread_yield();                         /* switch 2: back to main */
    record('B');
    b_switches_in = thread_current()->switches_in;      /* switched to twice */
}                                           /* switch 4: its exit, to main */

static void yields_main(void)
{
    struct thread *self = thread_current();
    counted_before = thread_stats();
    main_in_before = self->switches_in;
    struct thread *b = spawn_thread(yields_once, 0, "b", THREAD_PRIO_DEFAULT);   /* an equal */
    thread_yield();                         /* switch 1: to b */
    record('m');
    thread_yield();                         /* switch 3: to b again */
    record('M');
    counted_after = thread_stats();
    main_in_after = self->switches_in;
    thread_join(b);                         /* b is done: no switch */
}

TEST(schedule_counts_every_switch_and_the_tick_every_preemption)
{
    norder = 0;
    b_switches_in = 0;
    CHECK_RUN(fake_run(yields_main, false), 0);
    CHECK_STR(order, "bmBM");
    CHECK_COUNTED(counted_after.switches - counted_before.switches, ==, 4,
                  "thread_counts.switches, once a switch, in schedule(): step 5");
    CHECK_COUNTED(b_switches_in, ==, 2, "next->switches_in, in schedule(): step 5");
    CHECK_COUNTED(main_in_after - main_in_before, ==, 2,
                  "next->switches_in, in schedule(): step 5");
    CHECK_COUNTED(counted_after.preemptions - counted_before.preemptions, ==, 0,
                  "thread_counts.preemptions counts the exit hook's switches only: step 6");

    /* main and its equal, neither of which yields: the tick switches each out once. */
    memset(seen, 0, sizeof seen);
    CHECK_RUN(fake_run(preempted_main, false), 0);
    struct thread_stats s = thread_stats();
    if (!seen[2].irqs_on) {                 /* then no tick could preempt it: not a count */
        printf("  %s:%d: the preempted thread ran with interrupts masked, so the tick never "
               "reached it (thread_entry unmasks them: exercise 2)\n", __FILE__, __LINE__);
        host_current_failed = 1;
        return;
    }
    CHECK_COUNTED(s.preemptions, >=, 2,
                  "thread_counts.preemptions, in preempt_if_due when it switches: step 6");
    CHECK_COUNTED(s.switches, >=, s.preemptions + 1,
                  "thread_counts.switches counts the preemptions' switches too: step 5");
}

/* ---- the end: fn returns, or calls thread_exit -------------------------------- */
static int after_exit;

static void exits_from_deep(void *unused)
{
    (void)unused;
    record('x');
    thread_exit();
    after_exit++;                           /* never */
}

static void returns_at_once(void *unused)
{
    (void)unused;
    record('r');
}

static void end_main(void)
{
    struct thread_stats before = thread_stats();
    struct thread *early = spawn_thread(returns_at_once, 0, "early", 40);   /* ends first */
    struct thread *later = spawn_thread(exits_from_deep, 0, "later", 20);
    CHECK_EQ(early->state, THREAD_DONE);
    CHECK_EQ(thread_stats().alive, before.alive + 1);   /* later only */
    thread_join(early);                     /* ended already: must not block */
    record('j');
    thread_join(later);                     /* blocks; later's exit wakes us */
    record('J');
    struct thread_stats after = thread_stats();
    CHECK_EQ(after.alive, before.alive);
    CHECK_EQ(after.created, before.created + 2);
}

TEST(a_thread_ends_when_fn_returns_or_exits_and_its_joiner_wakes_either_way)
{
    norder = 0;
    after_exit = 0;
    fake_want_idle_limit = 20;              /* a joiner never woken: the idle halts for good */
    CHECK_RUN(fake_run(end_main, false), 0);
    CHECK_STR(order, "rjxJ");
    CHECK_EQ(after_exit, 0);
}

/* Every call that may block, made from an IRQ handler, stops at its assert(!intr_context()). */
enum blocking_call { SEMA_DOWN, SLEEP, MUTEX_LOCK, YIELD, JOIN, NBLOCKING };
static const char *const blocking_names[NBLOCKING] = {
    "sema_down", "thread_sleep_ms", "mutex_lock", "thread_yield", "thread_join",
};
static enum blocking_call blocking;
static struct semaphore never_up;
static struct mutex held_elsewhere;

static void irq_blocks(int irq)
{
    if (irq != 1)
        return;
    switch (blocking) {
    case SEMA_DOWN: sema_down(&never_up); break;
    case SLEEP: thread_sleep_ms(5); break;
    case MUTEX_LOCK: mutex_lock(&held_elsewhere); break;
    case YIELD: thread_yield(); break;
    default: thread_join(thread_current()); break;
    }
    record('!');                            /* never: the handler went on */
}

static void blocks_in_a_handler_main(void)
{
    sema_init(&never_up, 0);
    mutex_init(&held_elsewhere, "m");
    fake_handler = irq_blocks;
    fake_raise(1);                          /* IF=1: taken at once */
    record('r');
}

TEST(a_blocking_call_from_an_interrupt_handler_panics)
{
    for (blocking = 0; blocking < NBLOCKING; blocking++) {
        norder = 0;
        order[0] = 0;
        fake_expect_panic = true;
        CHECK_RUN(fake_run(blocks_in_a_handler_main, false), 1);
        if (!strstr(fake_panic_msg, "assertion failed: !intr_context()"))
            printf("  %s from a handler: \"%s\"\n", blocking_names[blocking], fake_panic_msg);
        CHECK(strstr(fake_panic_msg, "assertion failed: !intr_context()") != NULL);
        CHECK_STR(order, "");
    }
}

/* A panic on main's own stack after main has been switched away from and back:
   fake_run must not finish a stack switch nobody started (ASan aborted here). */
static void panics_after_a_switch_main(void)
{
    struct thread *b = spawn_thread(yields_once, 0, "b", THREAD_PRIO_DEFAULT);
    thread_yield();                         /* to b, and back */
    thread_join(b);
    panic("main panics on its own stack");
}

TEST(a_panic_on_main_after_switches_ends_the_run)
{
    norder = 0;
    order[0] = 0;
    fake_expect_panic = true;
    CHECK_RUN(fake_run(panics_after_a_switch_main, false), 1);
    CHECK(strstr(fake_panic_msg, "main panics on its own stack") != NULL);
}

static void run_all(void)
{
    RUN(the_first_frame_is_what_switch_stacks_pops_below_an_aligned_top);
    RUN(a_new_thread_starts_with_interrupts_on_and_runs_fn_with_its_arg);
    RUN(a_thread_first_switched_to_by_the_tick_starts_with_interrupts_on);
    RUN(schedule_counts_every_switch_and_the_tick_every_preemption);
    RUN(a_thread_ends_when_fn_returns_or_exits_and_its_joiner_wakes_either_way);
    RUN(a_blocking_call_from_an_interrupt_handler_panics);
    RUN(a_panic_on_main_after_switches_ends_the_run);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab6 thread");
}
