# cmake/Packaging.cmake - what `cmake --install` puts where, and the Debian package CPack
# makes of it (`cpack -G DEB`; docs/release.md).
#
# The install() rules are the source of truth: the .deb holds exactly what `cmake --install`
# installs. The binary and its man page are installed by src/CMakeLists.txt, the message
# catalogs by po/CMakeLists.txt; this file adds the certs/ scripts, the example
# configuration file (a conffile, every line commented), and the Debian copyright and
# changelog. A package is made for the prefix /usr only:
#   cmake -S . -B build/deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DWS_TESTS=OFF
#   cmake --build build/deb -j2 && (cd build/deb && cpack -G DEB)
# The library finds its catalogs under CMAKE_INSTALL_FULL_LOCALEDIR (src/CMakeLists.txt),
# so the binary the package installs reads /usr/share/locale.

set(WS_DEB_DIR ${PROJECT_SOURCE_DIR}/cmake/deb)
set(WS_DEB_MAINTAINER "wipeseal maintainers <maintainers@users.noreply.r-seed-f955cbf9.example>"
	CACHE STRING "The Debian package's Maintainer field")
set(WS_DEB_RELEASE 1 CACHE STRING "The Debian revision of the package (VERSION-RELEASE)")
set(WS_DEB_VERSION ${PROJECT_VERSION}-${WS_DEB_RELEASE})

# ---- install rules -------------------------------------------------------------------------
# the station's PKI scripts (certs/README.md) and the OpenSSL configuration they read from
# beside themselves
install(PROGRAMS certs/make-ca.sh certs/make-csr.sh certs/make-operator.sh
	certs/make-station.sh certs/make-stick.sh
	DESTINATION ${CMAKE_INSTALL_DATADIR}/wipeseal/certs)
install(FILES certs/openssl.cnf DESTINATION ${CMAKE_INSTALL_DATADIR}/wipeseal/certs)

# the example configuration: /etc/wipeseal for the prefix /usr (GNUInstallDirs), a conffile
install(FILES ${WS_DEB_DIR}/wipeseal.conf DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/wipeseal)

# Debian's documentation files: the machine-readable copyright, the changelog (gzip -9n: no
# name or time stamp in the header, so the bytes are reproducible)
find_program(WS_GZIP gzip REQUIRED)
configure_file(${WS_DEB_DIR}/changelog.Debian ${PROJECT_BINARY_DIR}/deb/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/deb/changelog.Debian.gz
	COMMAND ${WS_GZIP} -9nf -k ${PROJECT_BINARY_DIR}/deb/changelog.Debian
	DEPENDS ${PROJECT_BINARY_DIR}/deb/changelog.Debian VERBATIM)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/deb/wipeseal.8.gz
	COMMAND ${WS_GZIP} -9n -c ${PROJECT_SOURCE_DIR}/src/cli/wipeseal.8
		> ${PROJECT_BINARY_DIR}/deb/wipeseal.8.gz
	DEPENDS ${PROJECT_SOURCE_DIR}/src/cli/wipeseal.8 VERBATIM)
add_custom_target(wipeseal-deb-docs ALL DEPENDS ${PROJECT_BINARY_DIR}/deb/changelog.Debian.gz
	${PROJECT_BINARY_DIR}/deb/wipeseal.8.gz)
# wipeseal(8), compressed as Debian policy asks
install(FILES ${PROJECT_BINARY_DIR}/deb/wipeseal.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${WS_DEB_DIR}/copyright ${PROJECT_BINARY_DIR}/deb/changelog.Debian.gz
	DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/wipeseal)

# ---- the Debian package --------------------------------------------------------------------
set(CPACK_PACKAGE_NAME wipeseal)
set(CPACK_PACKAGE_VENDOR "wipeseal")
set(CPACK_PACKAGE_CONTACT ${WS_DEB_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "erase drives the NIST SP 800-88 way and prove it")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# absolute destinations (/etc/wipeseal) go into the package's tree, never onto this machine
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${WS_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${WS_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# the extended description: CPack puts the summary above it and indents every line
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "wipeseal erases hard disks, SSDs and NVMe drives following NIST SP 800-88
(Clear by overwriting; Purge through NVMe Sanitize and Format, ATA SANITIZE
and SECURITY ERASE, SCSI SANITIZE), verifies the result, and writes a
certificate of sanitization signed with the station's key that anyone can
check with plain OpenSSL.

This package holds the wipeseal command and its station screen, the scripts
that make an organization CA, station keys and data sticks
(/usr/share/wipeseal/certs), and an example /etc/wipeseal/wipeseal.conf.")
# the libraries' packages from dpkg-shlibdeps; what the binary loads with dlopen() (p11-kit's
# proxy module, for keys on tokens) and the openssl command the certs/ scripts run
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "p11-kit-modules, openssl")
# the PDF certificate's font (fontconfig finds DejaVu Sans); make-stick.sh's tools
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core, dosfstools, mtools")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "opensc, opensc-pkcs11")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${WS_DEB_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# cpack refuses a package for another prefix than /usr (cmake/deb/check-prefix.cmake)
set(CPACK_PROJECT_CONFIG_FILE ${WS_DEB_DIR}/check-prefix.cmake)
include(CPack)
