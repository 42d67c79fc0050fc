/*
 * vga.c - the 80x25 colour text screen (memory at 0xB8000, one 16-bit cell per
 * character: low byte the code point, high byte the colour). The hardware
 * cursor lives in the CRT controller, registers 0x0E/0x0F (FreeVGA, "CRT
 * Controller Registers").
 */
#include <stdint.h>
#include "kstring.h"
#include "vga.h"
#include "x86.h"

#define VGA_TEXT_BUFFER 0xB8000
#define VGA_COLS        80
#define VGA_ROWS        25
#define VGA_CRTC_INDEX  0x3D4
#define VGA_CRTC_DATA   0x3D5
#define CRTC_CURSOR_HI  0x0E
#define CRTC_CURSOR_LO  0x0F
#define TAB_WIDTH       8

static volatile uint16_t *const screen = (volatile uint16_t *)VGA_TEXT_BUFFER;
static int row, col;
static uint8_t attr = VGA_LIGHT_GREY | VGA_BLACK << 4;

static uint16_t cell(char c)
{
    return (uint16_t)(unsigned char)c | (uint16_t)attr << 8;
}

static void move_cursor(void)
{
    uint16_t pos = (uint16_t)(row * VGA_COLS + col);
    outb(VGA_CRTC_INDEX, CRTC_CURSOR_HI);
    outb(VGA_CRTC_DATA, pos >> 8);
    outb(VGA_CRTC_INDEX, CRTC_CURSOR_LO);
    outb(VGA_CRTC_DATA, pos & 0xFF);
}

static void scroll(void)
{
    for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
        screen[i] = screen[i + VGA_COLS];
    for (int i = 0; i < VGA_COLS; i++)
        screen[(VGA_ROWS - 1) * VGA_COLS + i] = cell(' ');
    row = VGA_ROWS - 1;
}

void vga_set_color(enum vga_color fg, enum vga_color bg)
{
    attr = (uint8_t)(fg | bg << 4);
}

void vga_init(void)
{
    for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
        screen[i] = cell(' ');
    row = col = 0;
    move_cursor();
}

void vga_putc(char c)
{
    switch (c) {
    case '\n':
        col = 0;
        row++;
        break;
    case '\r':
        col = 0;
        break;
    case '\b':
        if (col > 0)
            screen[row * VGA_COLS + --col] = cell(' ');
        break;
    case '\t':
        col = (col + TAB_WIDTH) & ~(TAB_WIDTH - 1);
        break;
    default:
        screen[row * VGA_COLS + col++] = cell(c);
        break;
    }
    if (col >= VGA_COLS) {
        col = 0;
        row++;
    }
    if (row >= VGA_ROWS)
        scroll();
    move_cursor();
}
