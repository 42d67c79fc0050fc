/*
 * pthello.c - a glibc pthread hello: pthread_create, then pthread_join.
 * Cairn has no threads yet (handouts/linux.md, section 7): glibc's clone3
 * gets -ENOSYS and its fallback, clone with CLONE_VM | CLONE_THREAD, gets
 * -EINVAL, so pthread_create must fail cleanly with EINVAL, the process
 * going on (grade/labs/lab9linux.py, linux-pthread). On Linux it prints the
 * thread's line and "joined".
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *run(void *arg)
{
    printf("thread: %s\n", (const char *)arg);
    return arg;
}

int main(void)
{
    pthread_t t;
    void *ret = NULL;
    int err = pthread_create(&t, NULL, run, "hello from a thread");

    printf("pthread_create: %d (%s)\n", err, strerror(err));
    if (err)
        return 1;
    pthread_join(t, &ret);
    printf("joined: %s\n", (const char *)ret);
    return 0;
}
