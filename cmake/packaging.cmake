# Installing sysgate and packaging it as a Debian package:
#   cmake --install BUILD [--prefix DIR]
#   cd BUILD && cpack -G DEB          # sysgate_VERSION-1_ARCH.deb, lintian-clean
# Included by the top-level CMakeLists.txt (needs SYSGATE_POLICIES and the
# sysgate target). Build first: installing and packaging take what is built
# and build nothing (not `all` with its tests, so cpack is quick and never
# rebuilds a tree under a running test suite). The layout, under the prefix:
#   bin/sysgate
#   share/man/man1/sysgate.1.gz, share/man/man5/sysgate-policy.5.gz,
#   share/man/man5/sysgate-batch.5.gz
#   share/sysgate/policies/*.yaml       (the shipped policies, also embedded)
#   share/bash-completion/completions/sysgate
#   share/doc/sysgate/{copyright,changelog.Debian.gz}

include(GNUInstallDirs)
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(SYSGATE_MAINTAINER "sysgate maintainers <maintainers@users.noreply.r-seed-fe5e8560.example>"
    CACHE STRING "Maintainer of the Debian package: NAME <EMAIL>")
set(SYSGATE_DEB_RELEASE 1 CACHE STRING "Debian revision of the package (VERSION-RELEASE)")
set(SYSGATE_DEB_VERSION "${PROJECT_VERSION}-${SYSGATE_DEB_RELEASE}")

# Compressed at build time: Debian wants man pages and changelogs gzipped -9n.
set(SYSGATE_PACKAGE_DIR ${CMAKE_BINARY_DIR}/package)
function(sysgate_gzip in out)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${in} -DOUT=${out} -P ${CMAKE_SOURCE_DIR}/cmake/gzip_file.cmake
    DEPENDS ${in} ${CMAKE_SOURCE_DIR}/cmake/gzip_file.cmake
    COMMENT "Compressing ${out}"
    VERBATIM)
endfunction()

set(SYSGATE_MAN_PAGES man/sysgate.1 man/sysgate-policy.5 man/sysgate-batch.5)
set(SYSGATE_PACKAGE_FILES "")
foreach(page IN LISTS SYSGATE_MAN_PAGES)
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${name})
  sysgate_gzip(${CMAKE_SOURCE_DIR}/${page} ${SYSGATE_PACKAGE_DIR}/man${section}/${name}.gz)
  list(APPEND SYSGATE_PACKAGE_FILES ${SYSGATE_PACKAGE_DIR}/man${section}/${name}.gz)
  install(FILES ${SYSGATE_PACKAGE_DIR}/man${section}/${name}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# Bash completion, with the shipped policy names of this build (their file
# stems, as scripts/embed_policies.cmake names them) for --policy.
set(SYSGATE_POLICY_NAMES "")
foreach(f IN LISTS SYSGATE_POLICIES)
  get_filename_component(stem ${f} NAME_WE)
  list(APPEND SYSGATE_POLICY_NAMES ${stem})
endforeach()
list(SORT SYSGATE_POLICY_NAMES)
list(JOIN SYSGATE_POLICY_NAMES " " SYSGATE_POLICY_NAMES)
configure_file(${CMAKE_SOURCE_DIR}/scripts/completion/sysgate.bash ${SYSGATE_PACKAGE_DIR}/completion/sysgate @ONLY)

# The Debian changelog, dated by SOURCE_DATE_EPOCH when set (reproducible builds).
string(TIMESTAMP SYSGATE_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
string(TIMESTAMP SYSGATE_COPYRIGHT_YEAR "%Y" UTC)
configure_file(${CMAKE_SOURCE_DIR}/cmake/debian/changelog.in ${SYSGATE_PACKAGE_DIR}/doc/changelog.Debian @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/debian/copyright.in ${SYSGATE_PACKAGE_DIR}/doc/copyright @ONLY)
sysgate_gzip(${SYSGATE_PACKAGE_DIR}/doc/changelog.Debian ${SYSGATE_PACKAGE_DIR}/doc/changelog.Debian.gz)
list(APPEND SYSGATE_PACKAGE_FILES ${SYSGATE_PACKAGE_DIR}/doc/changelog.Debian.gz)
add_custom_target(sysgate_package_files ALL DEPENDS ${SYSGATE_PACKAGE_FILES})

install(TARGETS sysgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${SYSGATE_POLICIES} DESTINATION ${CMAKE_INSTALL_DATADIR}/sysgate/policies)
install(FILES ${SYSGATE_PACKAGE_DIR}/completion/sysgate DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${SYSGATE_PACKAGE_DIR}/doc/copyright ${SYSGATE_PACKAGE_DIR}/doc/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# CPack: a Debian package that lintian accepts without errors.
set(CPACK_PACKAGE_NAME sysgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${SYSGATE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "system call policy sandbox using seccomp and ptrace")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)  # lintian: unstripped-binary-or-object
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_NAME sysgate)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SYSGATE_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SYSGATE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The extended description; CPack puts the summary above it and indents it
# for the control file (an empty line becomes " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sysgate runs a program under a supervisor that sees its system calls and
decides, call by call, what the program may do. A YAML policy says what is
allowed; a seccomp-BPF filter decides in the kernel everything it can, and
only the calls that need a closer look (a path, a socket address, a denial to
report) stop the program in a ptrace supervisor.

It enforces limits on the whole process tree (CPU, wall time, memory,
processes, output), writes a JSON report with one verdict per run, and can
learn a policy from what a program does.")
include(CPack)
