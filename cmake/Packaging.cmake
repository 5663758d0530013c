# The Debian package: `cpack` in the build directory (or `cpack -G DEB -B DIR`)
# writes fluxtrace_<version>_<arch>.deb of everything `cmake --install` puts in
# place.  Configure with -DCMAKE_INSTALL_PREFIX=/usr for Debian's multiarch
# library directory (/usr/lib/<triplet>/fluxtrace); the package installs under
# /usr either way, and the tools find their files relative to themselves.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fluxtrace)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "fluxtrace developers <dev@fluxtrace.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "race detector for Flux services (LTTng-UST tracer and analyzer)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "fluxtrace records every libflux-core call and message of every broker,\n\
module and client of a Flux instance into LTTng-UST, with an LD_PRELOAD\n\
shim and no change to the programs (fluxtrace record), then rebuilds who\n\
caused what across processes and ranks and reports each violation of the\n\
RFC 9 rules the way a sanitizer reports a data race (fluxtrace-analyze).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The libraries the binaries link (liblttng-ust1, liblttng-ctl0, libunwind8,
# libbabeltrace2-0 with its ctf plugin, libdw1, libxxhash0, ...) come from
# dpkg-shlibdeps; the programs fluxtrace runs are named here: the session
# daemon it starts when none is running.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "lttng-tools")
# Debian ships stripped binaries; the symbols a report prints are those of the
# traced programs, never of fluxtrace's own.
set(CPACK_STRIP_FILES ON)
include(CPack)
