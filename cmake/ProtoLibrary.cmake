# dh_proto_library(NAME <target> DIR <dir under proto/> [DEPS <targets>] [GRPC])
#
# Compiles every .proto in proto/<DIR> into one static library. Generated files go to
# ${DH_GEN_DIR}/<DIR>, so code includes them as "dienhinh/registry/v1/registry.pb.h".
# protoc is run by hand (not protobuf_generate) because CMake 3.25's helper cannot pass
# the gRPC plugin's options.
function(dh_proto_library)
  cmake_parse_arguments(P "GRPC" "NAME;DIR;ROOT" "DEPS" ${ARGN})
  if(NOT P_ROOT)
    set(P_ROOT ${PROJECT_SOURCE_DIR}/proto)
  endif()
  file(GLOB protos CONFIGURE_DEPENDS ${P_ROOT}/${P_DIR}/*.proto)
  if(NOT protos)
    message(FATAL_ERROR "no .proto files in ${P_ROOT}/${P_DIR}")
  endif()
  set(includes -I ${PROJECT_SOURCE_DIR}/proto -I ${DH_GOOGLE_RPC_ROOT} -I ${Protobuf_INCLUDE_DIRS})
  if(NOT P_ROOT STREQUAL "${PROJECT_SOURCE_DIR}/proto" AND NOT P_ROOT STREQUAL "${DH_GOOGLE_RPC_ROOT}")
    list(PREPEND includes -I ${P_ROOT})
  endif()
  set(srcs)
  foreach(proto ${protos})
    get_filename_component(stem ${proto} NAME_WE)
    set(out ${DH_GEN_DIR}/${P_DIR}/${stem})
    set(outputs ${out}.pb.cc ${out}.pb.h)
    set(grpc_args)
    if(P_GRPC)
      list(APPEND outputs ${out}.grpc.pb.cc ${out}.grpc.pb.h)
      set(grpc_args --grpc_out=${DH_GEN_DIR}
          --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc
      ARGS --cpp_out=${DH_GEN_DIR} ${grpc_args}
           ${includes}
           ${proto}
      DEPENDS ${proto} protobuf::protoc
      COMMENT "protoc ${P_DIR}/${stem}.proto"
      VERBATIM)
    list(APPEND srcs ${out}.pb.cc)
    if(P_GRPC)
      list(APPEND srcs ${out}.grpc.pb.cc)
    endif()
  endforeach()
  add_library(${P_NAME} STATIC ${srcs})
  target_include_directories(${P_NAME} SYSTEM PUBLIC ${DH_GEN_DIR})
  target_link_libraries(${P_NAME} PUBLIC protobuf::libprotobuf ${P_DEPS})
  if(P_GRPC)
    target_link_libraries(${P_NAME} PUBLIC gRPC::grpc++)
  endif()
endfunction()
