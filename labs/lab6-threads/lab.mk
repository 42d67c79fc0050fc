# Lab 6: preemptive kernel threads beside the executor - the context switch
# (switch.S), priority scheduling with time slices from the PIT tick, locks
# with priority donation, and the bridge to lab 3's futures.
SRCS := queue.c sched.c idle.c thread.c sync.c donate.c bridge.c trace.c machine_x86.c switch.S
QEMU_ARGS :=
KERNEL_ARGS :=
