# cmake/deb/check-prefix.cmake - read by cpack (CPACK_PROJECT_CONFIG_FILE): a Debian package
# installs under /usr, and the binary looks for its catalogs under the prefix it was built
# for, so a build for another prefix (cmake's default /usr/local) makes no package.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
	message(FATAL_ERROR "this build's prefix is ${CPACK_PACKAGING_INSTALL_PREFIX}, a package "
		"installs under /usr: configure with -DCMAKE_INSTALL_PREFIX=/usr (docs/release.md)")
endif()
