#include "edge.hpp"

namespace fluxtrace::hb {

std::string_view edge_kind_name(EdgeKind kind) {
    switch (kind) {
    case EdgeKind::Fork:
        return "fork";
    case EdgeKind::Exec:
        return "exec";
    case EdgeKind::ThreadCreate:
        return "thread-create";
    case EdgeKind::Request:
        return "request";
    case EdgeKind::Response:
        return "response";
    case EdgeKind::Event:
        return "event";
    case EdgeKind::FutureThen:
        return "future-then";
    case EdgeKind::KvsVersion:
        return "kvs-version";
    case EdgeKind::KvsValue:
        return "kvs-value";
    case EdgeKind::kCount:
        break;
    }
    return "?";
}

} // namespace fluxtrace::hb
