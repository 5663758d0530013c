// A trace processing graph: components are added and connected, then it runs
// to the end.  Failures throw Error with the library's causes.
#pragma once

#include <string>

#include "shared_object.hpp"
#include "value.hpp"

namespace fluxtrace::bt2 {

class Graph {
  public:
    Graph();

    const bt_component_source *add_source(const bt_component_class_source *cls,
                                          const std::string &name,
                                          const MapValue &params);
    const bt_component_filter *add_filter(const bt_component_class_filter *cls,
                                          const std::string &name);
    // A sink whose `consume` pulls messages from its one input's iterator.
    const bt_component_sink *
    add_simple_sink(const std::string &name,
                    bt_graph_simple_sink_component_consume_func consume, void *data);

    void connect(const bt_port_output *out, const bt_port_input *in);
    // Every output port of `source` to a new input port of `muxer`, which adds
    // a free input port each time one is connected.
    void connect_all(const bt_component_source *source, const bt_component_filter *muxer);

    // Until every sink is done.
    void run();

  private:
    SharedObject<bt_graph> graph_;
};

} // namespace fluxtrace::bt2
