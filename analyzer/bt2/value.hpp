// Component parameters: a map value built in place.
#pragma once

#include <string>
#include <vector>

#include "shared_object.hpp"

namespace fluxtrace::bt2 {

class MapValue {
  public:
    MapValue();
    void insert(const char *key, const std::string &value);
    void insert(const char *key, const std::vector<std::string> &values);
    void insert(const char *key, bool value);
    const bt_value *lib_obj_ptr() const { return map_.lib_obj_ptr(); }

  private:
    SharedObject<bt_value> map_;
};

} // namespace fluxtrace::bt2
