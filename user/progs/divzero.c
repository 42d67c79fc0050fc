/*
 * divzero - divides by zero, which must kill it with a divide error (#DE,
 * vector 0) in user mode.
 *     divzero [N]      the dividend, 0..2147483647 (default 1)
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc > 2) {
        printf("divzero: usage: divzero [N]\n");
        return 2;
    }
    volatile int n = (int)arg_u32("divzero", argc, argv, 1, "dividend", 0, INT32_MAX, 1);
    volatile int zero = 0;

    printf("divzero: dividing %d by zero\n", n);
    int q = n / zero;
    printf("divzero: got %d and was not killed\n", q);
    return 1;
}
