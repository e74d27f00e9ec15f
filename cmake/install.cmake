# `cmake --install`: the binary, the hardened systemd unit (written with the installed paths), the
# example environment file, the nginx forward-auth example and the documentation, each in the
# usual place under the prefix (/usr/local by default; systemd also reads /usr/local/lib/systemd).
include(GNUInstallDirs)

# The unit names the installed paths, so it is written at install time, when the prefix is known
# (cmake --install --prefix may differ from the configured one).
install(CODE "
    set(AUTHD_INSTALL_BINARY \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/authd\")
    set(AUTHD_INSTALL_CONFIG \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SYSCONFDIR}/authd/authd.env\")
    set(AUTHD_INSTALL_DOCDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}\")
    set(unit \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/authd.service\")
    message(STATUS \"Installing: \${unit}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/deploy/systemd/authd.service.in\" \"\${unit}\" @ONLY)
")
install(TARGETS authd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/authd.env DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/authd)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/deploy/nginx/authd-forward-auth.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
