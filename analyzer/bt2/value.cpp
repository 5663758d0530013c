#include "value.hpp"

#include <new>

namespace fluxtrace::bt2 {

namespace {

void check(int status) {
    if (status != 0) // every insert/append status but OK is a memory error
        throw std::bad_alloc();
}

} // namespace

MapValue::MapValue()
    : map_(SharedObject<bt_value>::create_without_ref(bt_value_map_create())) {
    if (!map_)
        throw std::bad_alloc();
}

void MapValue::insert(const char *key, const std::string &value) {
    check(bt_value_map_insert_string_entry(map_.lib_obj_ptr(), key, value.c_str()));
}

void MapValue::insert(const char *key, const std::vector<std::string> &values) {
    bt_value *array = nullptr;
    check(bt_value_map_insert_empty_array_entry(map_.lib_obj_ptr(), key, &array));
    for (const auto &v : values)
        check(bt_value_array_append_string_element(array, v.c_str()));
}

void MapValue::insert(const char *key, bool value) {
    check(bt_value_map_insert_bool_entry(map_.lib_obj_ptr(), key,
                                         value ? BT_TRUE : BT_FALSE));
}

} // namespace fluxtrace::bt2
