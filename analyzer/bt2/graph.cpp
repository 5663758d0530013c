#include "graph.hpp"

#include <new>

#include "error.hpp"

namespace fluxtrace::bt2 {

Graph::Graph() : graph_(SharedObject<bt_graph>::create_without_ref(bt_graph_create(0))) {
    if (!graph_)
        throw std::bad_alloc();
}

const bt_component_source *Graph::add_source(const bt_component_class_source *cls,
                                             const std::string &name,
                                             const MapValue &params) {
    const bt_component_source *comp = nullptr;
    if (bt_graph_add_source_component(graph_.lib_obj_ptr(), cls, name.c_str(),
                                      params.lib_obj_ptr(), BT_LOGGING_LEVEL_NONE,
                                      &comp) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        throw Error::take("cannot create source component `" + name + "`");
    return comp;
}

const bt_component_filter *Graph::add_filter(const bt_component_class_filter *cls,
                                             const std::string &name) {
    const bt_component_filter *comp = nullptr;
    if (bt_graph_add_filter_component(graph_.lib_obj_ptr(), cls, name.c_str(), nullptr,
                                      BT_LOGGING_LEVEL_NONE,
                                      &comp) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        throw Error::take("cannot create filter component `" + name + "`");
    return comp;
}

const bt_component_sink *
Graph::add_simple_sink(const std::string &name,
                       bt_graph_simple_sink_component_consume_func consume, void *data) {
    const bt_component_sink *comp = nullptr;
    if (bt_graph_add_simple_sink_component(graph_.lib_obj_ptr(), name.c_str(), nullptr,
                                           consume, nullptr, data,
                                           &comp) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        throw Error::take("cannot create sink component `" + name + "`");
    return comp;
}

void Graph::connect(const bt_port_output *out, const bt_port_input *in) {
    if (bt_graph_connect_ports(graph_.lib_obj_ptr(), out, in, nullptr) !=
        BT_GRAPH_CONNECT_PORTS_STATUS_OK)
        throw Error::take(std::string("cannot connect port `") +
                          bt_port_get_name(bt_port_output_as_port_const(out)) + "`");
}

void Graph::connect_all(const bt_component_source *source,
                        const bt_component_filter *muxer) {
    const uint64_t n = bt_component_source_get_output_port_count(source);
    for (uint64_t i = 0; i < n; i++) {
        const uint64_t free_port = bt_component_filter_get_input_port_count(muxer) - 1;
        connect(bt_component_source_borrow_output_port_by_index_const(source, i),
                bt_component_filter_borrow_input_port_by_index_const(muxer, free_port));
    }
}

void Graph::run() {
    for (;;) {
        switch (bt_graph_run(graph_.lib_obj_ptr())) {
        case BT_GRAPH_RUN_STATUS_OK:
            return;
        case BT_GRAPH_RUN_STATUS_AGAIN:
            continue; // src.ctf.fs never waits; nothing to wait for
        case BT_GRAPH_RUN_STATUS_MEMORY_ERROR:
            bt_current_thread_clear_error();
            throw std::bad_alloc();
        default:
            throw Error::take("cannot read the trace");
        }
    }
}

} // namespace fluxtrace::bt2
