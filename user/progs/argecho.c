/*
 * argecho - what execve(2) handed over: the arguments, the environment,
 * and which descriptors above 2 are open (fstat64 succeeds on an open one),
 * so a test of execve can check argv, envp and O_CLOEXEC at once.
 *     argecho [WORD...]
 */
#include "ulib.h"

#define FD_PROBE_MAX 32

int main(int argc, char **argv)
{
    char fds[FD_PROBE_MAX * 3 + 8] = "";
    size_t used = 0;
    struct stat64 st;
    int envc = 0;

    printf("argecho: argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argecho: argv[%d] \"%s\"\n", i, argv[i]);
    for (; environ[envc] != NULL; envc++)
        printf("argecho: envp[%d] \"%s\"\n", envc, environ[envc]);
    printf("argecho: envc %d\n", envc);
    for (int fd = 3; fd < FD_PROBE_MAX; fd++)
        if (fstat64(fd, &st) == 0)
            used += (size_t)snprintf(fds + used, sizeof fds - used, " %d", fd);
    printf("argecho: open fds above 2:%s\n", used > 0 ? fds : " none");
    return argc;
}
