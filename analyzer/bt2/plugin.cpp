#include "plugin.hpp"

#include "error.hpp"

namespace fluxtrace::bt2 {

Plugin Plugin::find(const std::string &name) {
    const bt_plugin *p = nullptr;
    const auto status =
        bt_plugin_find(name.c_str(), BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &p);
    if (status != BT_PLUGIN_FIND_STATUS_OK) {
        throw Error::take("Babeltrace2 plugin `" + name +
                          "` not found (is babeltrace2 installed?)");
    }
    return Plugin(name, SharedObject<const bt_plugin>::create_without_ref(p));
}

const bt_component_class_source *Plugin::source_class(const char *name) const {
    const auto *cls = bt_plugin_borrow_source_component_class_by_name_const(
        plugin_.lib_obj_ptr(), name);
    if (!cls)
        throw Error::take("no source component class `" + name_ + "." + name + "`");
    return cls;
}

const bt_component_class_filter *Plugin::filter_class(const char *name) const {
    const auto *cls = bt_plugin_borrow_filter_component_class_by_name_const(
        plugin_.lib_obj_ptr(), name);
    if (!cls)
        throw Error::take("no filter component class `" + name_ + "." + name + "`");
    return cls;
}

} // namespace fluxtrace::bt2
