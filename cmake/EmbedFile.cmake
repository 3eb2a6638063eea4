# Writes a C++ source that holds a file's bytes: cmake -DINPUT=file -DOUTPUT=file.cpp
# -DSYMBOL=name -P EmbedFile.cmake defines uicc::applets::<name>_data and <name>_size.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/EmbedFile.cmake.\n#include <cstddef>\n\nnamespace uicc::applets {\nextern const unsigned char ${SYMBOL}_data[] = {\n  ${bytes}\n};\nextern const std::size_t ${SYMBOL}_size = ${size};\n}  // namespace uicc::applets\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
