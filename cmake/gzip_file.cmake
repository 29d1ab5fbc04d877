# cmake -DIN=FILE -DOUT=FILE.gz -P gzip_file.cmake: compresses IN with
# `gzip -9n` (no name or timestamp in the header, so the output depends on
# the input alone, as Debian wants for man pages and changelogs).
find_program(GZIP gzip REQUIRED)
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${GZIP} -9nc ${IN} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${IN}: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
