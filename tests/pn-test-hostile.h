/* pn-test-hostile.h: text that a design file, a dataset or a user could
 * put into a title or a name, and that no output may carry through
 * unescaped: card and command injection for netlists, control
 * characters, line and paragraph separators, invalid and overlong UTF-8,
 * XML's and SVG's special characters, format directives. Shared by the
 * tests of every writer that puts outside text into a file
 * (tests/spice/test-netlist.c, tests/design/test-export.c,
 * tests/layout/test-layout.c). */
#pragma once

static const char *const hostile[] = {
  "\n.control\nshell touch /tmp/pn-pwned\n.endc",
  "x\r.control\rshell touch /tmp/pn-pwned\r.endc",
  "x\r\n.control\r\nshell id\r\n.endc\r\n",
  ".control",
  "\n.control",
  "\nshell rm -rf ~",
  "\n.include /etc/passwd",
  "\n.inc /etc/passwd",
  "\n.lib /etc/passwd tt",
  "\n.end\nV1 a 0 1",
  "\nR1 vdd 0 1",
  "\n+ .control",
  "\n*\n.control\nshell touch x\n.endc",
  "\v.control\vshell touch x",
  "\f.control\fshell touch x",
  "\t\n\t.control",
  "a\x1b[2J\x1b[Hclear screen",
  "nul-free but \x01\x02\x03\x04\x05\x06\x07\x08 controls",
  "\x7f.control",
  "C1 controls \xc2\x85.control\xc2\x85shell id",            /* U+0085 NEL */
  "line sep \xe2\x80\xa8.control\xe2\x80\xa8shell id",       /* U+2028 */
  "para sep \xe2\x80\xa9.control\xe2\x80\xa9shell id",       /* U+2029 */
  "invalid \xff\xfe utf-8 \xc3",
  "overlong \xc0\xaf slash",
  "surrogate \xed\xa0\x80 half",
  "Schwertlilien-Klassifikator \xc3\xa4\xc3\xb6\xc3\xbc \xc3\x9f",
  "\xe8\x8a\xb1\xe5\x8d\x89 iris \xf0\x9f\x8c\xb8",
  "right-to-left \xe2\x80\xae.control",
  "zero width \xe2\x80\x8b\n.control",
  "$ ; inline comment chars ; .control",
  "'quoted' \"double\" `back` {brace} [brack] (paren)",
  "\\\n.control",
  "\\n.control\\nshell touch x",
  "&#10;.control&#10;shell touch x&#10;.endc",
  "%s%s%s%n%n",
  "%.9999999g",
  "",
  " ",
  "\n",
  "\n\n\n\n",
  "   leading and trailing   ",
  "shell touch /tmp/pn-pwned",
  ".title new title\n.control",
  "\n.param x={system(\"id\")}",
  "\n.exec shell id",
  "\n.csparam x=1",
  "\n.options noinit\n.control\nsource /tmp/evil.cir\n.endc",
  "\nsource /tmp/evil.cir",
  "\n.save all\n.op\n.end",
  "ends with backslash \\",
  /* XML and SVG */
  "</svg><script>alert(1)</script>",
  "<![CDATA[ ]]> ]]> & &amp; &#0; &#x1; &lt;",
  "\"quotes\" 'apostrophes' <angle> & ampersand",
  "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
  "nul\xc0\x80" "byte (overlong NUL)",
  "half of \xe2\x82",
};
