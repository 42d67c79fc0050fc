/*
 * test_lab6_thread.c - a thread's birth and death on the fake machine of
 * lab6_fake.h (exercises 2 and 3 of handouts/lab6.md): the first frame
 * ctx_first_frame lays out, word by word (what switch_stacks pops, Intel SDM
 * Vol. 1 6.2-6.3, and the psABI's alignment), and then for real: the fake
 * switches into frames built by the same code. A new thread starts with
 * interrupts on whoever switched to it (a thread, or the tick's exit hook
 * inside an interrupt), runs fn(arg), and ends when fn returns or calls
 * thread_exit; its joiner wakes, whether it joined before or after the end.
 */
#include "host.h"
#include "lab6_fake.h"

#define WORD ((uintptr_t)sizeof(uintptr_t))
#define FILL 0xa5

static void never_called(void) { abort(); }

/* The frame below top, from a buffer whose top is `skew` bytes past a 16-byte boundary. */
static void check_first_frame(size_t skew)
{
    static uint8_t buf[512] __attribute__((aligned(16)));
    uint8_t *top = buf + 256 + skew;
    memset(buf, FILL, sizeof buf);

    uintptr_t sp = ctx_first_frame(top, never_called);
    uintptr_t *w = (uintptr_t *)sp;
    uintptr_t above = (uintptr_t)&w[SWITCH_SAVED_REGS + 2];     /* entry's arguments' place */
    CHECK_EQ(sp % WORD, 0);
    for (int i = 0; i < SWITCH_SAVED_REGS; i++)
        CHECK_EQ(w[i], 0);                              /* the registers switch_stacks pops */
    CHECK(w[SWITCH_SAVED_REGS] == (uintptr_t)never_called);     /* what its ret pops */
    CHECK_EQ(w[SWITCH_SAVED_REGS + 1], 0);              /* entry's own return address */
    CHECK_EQ(above % STACK_ALIGN, 0);                   /* sp + a word, as entry begins */
    CHECK(above <= (uintptr_t)top && (uintptr_t)top - above < STACK_ALIGN);
    for (uint8_t *b = top; b < buf + sizeof buf; b++)
        CHECK_EQ(*b, FILL);                             /* nothing at or above the top */
    for (uint8_t *b = buf; b < (uint8_t *)sp; b++)
        CHECK_EQ(*b, FILL);                             /* nor below the frame */
}

TEST(the_first_frame_is_what_switch_stacks_pops_below_an_aligned_top)
{
    for (size_t skew = 0; skew < STACK_ALIGN; skew += 4)
        check_first_frame(skew);
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
    CHECK_EQ(fake_run(start_main, false), 0);
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
    CHECK_EQ(fake_run(preempted_main, false), 0);
    CHECK(seen[2].irqs_on);
    CHECK(seen[2].right_thread);
    CHECK(thread_stats().preemptions >= 2);     /* main out for it, it out for main */
    CHECK(strncmp(order, "mc", 2) == 0);
    CHECK(strchr(order, 'M') != NULL && strchr(order, 's') != NULL);
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
    CHECK_EQ(fake_run(end_main, false), 0);
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
        CHECK_EQ(fake_run(blocks_in_a_handler_main, false), 1);
        if (!strstr(fake_panic_msg, "assertion failed: !intr_context()"))
            printf("  %s from a handler: \"%s\"\n", blocking_names[blocking], fake_panic_msg);
        CHECK(strstr(fake_panic_msg, "assertion failed: !intr_context()") != NULL);
        CHECK_STR(order, "");
    }
}

static void run_all(void)
{
    RUN(the_first_frame_is_what_switch_stacks_pops_below_an_aligned_top);
    RUN(a_new_thread_starts_with_interrupts_on_and_runs_fn_with_its_arg);
    RUN(a_thread_first_switched_to_by_the_tick_starts_with_interrupts_on);
    RUN(a_thread_ends_when_fn_returns_or_exits_and_its_joiner_wakes_either_way);
    RUN(a_blocking_call_from_an_interrupt_handler_panics);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab6 thread");
}
