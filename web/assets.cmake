# The local web selector's page (torchup serve), embedded into the binary at
# build time like the knowledge base (STYLE §8): no CDN, no files needed at run time.
# Included from src/serve/sources.cmake.
set(TORCHUP_WEB_FILES
  index.html
  app.css
  app.js
  i18n.js
)
set(TORCHUP_WEB_DEPS "")
foreach(f IN LISTS TORCHUP_WEB_FILES)
  list(APPEND TORCHUP_WEB_DEPS "${CMAKE_SOURCE_DIR}/web/${f}")
endforeach()
set(WEB_EMBED_OUT "${CMAKE_BINARY_DIR}/generated/embedded_web.cpp")
add_custom_command(
  OUTPUT "${WEB_EMBED_OUT}"
  COMMAND ${CMAKE_COMMAND} -DOUT=${WEB_EMBED_OUT} -DBASE=${CMAKE_SOURCE_DIR}/web
          "-DFILES=${TORCHUP_WEB_FILES}" -DHEADER=serve/web_assets.h -DNAMESPACE=torchup::serve
          -DTYPE=WebAsset -DTABLE=kWebAssets -DCOUNT=kWebAssetCount
          -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${TORCHUP_WEB_DEPS} ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  COMMENT "Embedding the web selector"
  VERBATIM)
add_library(torchup_web STATIC "${WEB_EMBED_OUT}")
target_include_directories(torchup_web PUBLIC ${CMAKE_SOURCE_DIR}/src)
set_source_files_properties("${WEB_EMBED_OUT}" PROPERTIES COMPILE_OPTIONS "-w")
target_link_libraries(torchup_core PUBLIC torchup_web)
