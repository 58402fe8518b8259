# src/lib/embed.cmake - a file's bytes as a NUL-terminated C array, generated at build time:
#   cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n\t" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN} by embed.cmake: do not edit */\n"
	"const char ${NAME}[] = {\n\t${body}0x00\n};\n")
