/*
 * test_lab1_exception.c - exception names, which vectors push an error code,
 * and the error-code decoder (labs/lab1-interrupts/excdecode.c), against the
 * Intel SDM Vol. 3A, Table 6-1, 6.13 and 4.7.
 */
#include <stdint.h>
#include <stdlib.h>
#include "exception.h"
#include "host.h"
#include "panic.h"

static char buf[128];

static const char *describe(uint32_t vector, uint32_t error, uint32_t cr2)
{
    return exception_describe_error(vector, error, cr2, buf, sizeof buf);
}

TEST(names)
{
    CHECK_STR(exception_name(0), "#DE divide error");
    CHECK_STR(exception_name(3), "#BP breakpoint");
    CHECK_STR(exception_name(6), "#UD invalid opcode");
    CHECK_STR(exception_name(8), "#DF double fault");
    CHECK_STR(exception_name(11), "#NP segment not present");
    CHECK_STR(exception_name(12), "#SS stack-segment fault");
    CHECK_STR(exception_name(13), "#GP general protection fault");
    CHECK_STR(exception_name(14), "#PF page fault");
    CHECK_STR(exception_name(15), "reserved exception");
    CHECK_STR(exception_name(31), "reserved exception");
    CHECK_STR(exception_name(32), "interrupt");
    CHECK_STR(exception_name(0xFFFFFFFF), "interrupt");
    for (uint32_t v = 0; v < 256; v++)
        CHECK(exception_name(v) != NULL);
}

TEST(error_code_vectors)
{
    /* SDM Table 6-1's "Error Code" column (and AMD's 29, 30). */
    static const uint32_t with[] = { 8, 10, 11, 12, 13, 14, 17, 21, 29, 30 };
    int expected[256] = { 0 };
    for (unsigned i = 0; i < sizeof with / sizeof with[0]; i++)
        expected[with[i]] = 1;
    for (uint32_t v = 0; v < 256; v++)
        CHECK_EQ(exception_has_error_code(v), expected[v]);
}

TEST(selector_in_gdt)
{
    CHECK_STR(describe(13, 0x0010, 0), "GDT selector 0x10");
    CHECK_STR(describe(12, 0x0028, 0), "GDT selector 0x28");
    CHECK_STR(describe(10, 0x0018, 0), "GDT selector 0x18");
}

TEST(selector_in_ldt)
{
    CHECK_STR(describe(11, 0x000C, 0), "LDT selector 0x08");
}

TEST(vector_in_idt)
{
    CHECK_STR(describe(11, 0x040A, 0), "IDT vector 0x81");
    /* An IRQ 14 with no handler under QEMU: vector 0x2e, raised by an IRQ (EXT). */
    CHECK_STR(describe(11, 0x0173, 0), "IDT vector 0x2e, external");
    CHECK_STR(describe(13, 0x0172, 0), "IDT vector 0x2e");
    CHECK_STR(describe(13, 0xFFFA, 0), "IDT vector 0x1fff");
}

TEST(external_gdt)
{
    CHECK_STR(describe(13, 0x0011, 0), "GDT selector 0x10, external");
}

TEST(zero_selector_says_nothing)
{
    CHECK_STR(describe(13, 0, 0), "");
    CHECK_STR(describe(8, 0, 0), "");
    CHECK_STR(describe(0, 0, 0), "");
}

TEST(page_faults)
{
    CHECK_STR(describe(14, 0x0002, 0x40000000), "not-present page, write, supervisor, cr2 0x40000000");
    CHECK_STR(describe(14, 0x0000, 0), "not-present page, read, supervisor, cr2 0x00000000");
    CHECK_STR(describe(14, 0x0007, 0xDEADBEEF),
              "protection violation, write, user, cr2 0xdeadbeef");
    CHECK_STR(describe(14, 0x0019, 0x1000),
              "protection violation, read, supervisor, reserved bit set, instruction fetch, cr2 0x00001000");
    CHECK_STR(describe(14, 0x0020, 0), "not-present page, read, supervisor, protection key, cr2 0x00000000");
}

TEST(truncates_safely)
{
    char small[8];
    exception_describe_error(14, 0x0007, 0xDEADBEEF, small, sizeof small);
    CHECK_STR(small, "protect");
    exception_describe_error(13, 0x0011, 0, small, sizeof small);
    CHECK_STR(small, "GDT sel");
    char one[1] = { 'x' };
    exception_describe_error(13, 0x0010, 0, one, sizeof one);
    CHECK_EQ(one[0], '\0');
}

int main(void)
{
    RUN(names);
    RUN(error_code_vectors);
    RUN(selector_in_gdt);
    RUN(selector_in_ldt);
    RUN(vector_in_idt);
    RUN(external_gdt);
    RUN(zero_selector_says_nothing);
    RUN(page_faults);
    RUN(truncates_safely);
    return host_summary("lab1 exception");
}
