/*
 * ksym.c - address → function name, for exception reports and backtraces.
 * ksym_table comes from the second link (tools/ksyms.py); in the first link
 * it is a weak undefined symbol and lookups find nothing.
 */
#include "ksym.h"
#include "kstring.h"

struct ksym {
    uintptr_t addr;
    const char *name;
};

extern const struct ksym ksym_table[] __attribute__((weak));
extern const unsigned ksym_count __attribute__((weak));

static unsigned count(void)
{
    return &ksym_count ? ksym_count : 0;
}

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
    unsigned lo = 0, hi = count();

    if (!hi || addr < ksym_table[0].addr)
        return NULL;
    while (hi - lo > 1) {       /* the last symbol at or below addr */
        unsigned mid = lo + (hi - lo) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (offset)
        *offset = addr - ksym_table[lo].addr;
    return ksym_table[lo].name;
}

uintptr_t ksym_address(const char *name)
{
    for (unsigned i = 0; i < count(); i++)
        if (strcmp(ksym_table[i].name, name) == 0)
            return ksym_table[i].addr;
    return 0;
}
