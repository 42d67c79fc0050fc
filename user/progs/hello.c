/*
 * hello - the first program: greets, then prints its arguments, its
 * environment count and the page size the kernel put in auxv.
 *     hello [WORD...]
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    int envc = 0;

    printf("hello: hello, world\n");
    printf("hello: argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("hello: argv[%d] \"%s\"\n", i, argv[i]);
    while (environ[envc] != NULL)
        envc++;
    printf("hello: envc %d\n", envc);
    printf("hello: pagesz %u\n", getauxval(AT_PAGESZ));
    return 0;
}
