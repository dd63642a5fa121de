#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

// The wide-character API (get_wch, mvwaddwstr) must be switched on before the first include of curses.h.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Attribute macros expand to shifts Swift cannot import: re-export them as constants.
static const attr_t CN_A_NORMAL    = A_NORMAL;
static const attr_t CN_A_BOLD      = A_BOLD;
static const attr_t CN_A_REVERSE   = A_REVERSE;
static const attr_t CN_A_UNDERLINE = A_UNDERLINE;
static const attr_t CN_A_DIM       = A_DIM;

static inline int cn_key_f(int n) { return KEY_F(n); }

// <wchar.h> belongs to the Glibc module (built without _XOPEN_SOURCE), so wcwidth is invisible there.
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }

#endif
