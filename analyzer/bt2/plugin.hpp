// A Babeltrace2 plugin found in the standard places, and its component classes.
#pragma once

#include <string>

#include "shared_object.hpp"

namespace fluxtrace::bt2 {

class Plugin {
  public:
    // Throws Error when the plugin is not installed.
    static Plugin find(const std::string &name);

    // Throws Error when the plugin has no such class.
    const bt_component_class_source *source_class(const char *name) const;
    const bt_component_class_filter *filter_class(const char *name) const;

  private:
    Plugin(std::string name, SharedObject<const bt_plugin> plugin)
        : name_(std::move(name)), plugin_(std::move(plugin)) {}
    std::string name_;
    SharedObject<const bt_plugin> plugin_;
};

} // namespace fluxtrace::bt2
