// A small Flux instance made of hand-built records: brokers with their main
// thread, connector and overlay routers and module threads, and clients, and
// the hops a message takes between them, as a real 0.88 instance records them
// (see docs/happens-before.md).  Route counts follow flux-core: a client's
// request is rc 1 at the connector, 2 at the broker, 3 at the module.
#pragma once

#include <cstdio>
#include <list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "trace_builder.hpp"

namespace fluxtrace::hb::test {

inline std::string uuid(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
    return buf;
}

struct Module {
    std::string service;
    int tid = 0;
    std::string uuid;
    std::uint64_t h = 0;        // the module's end of its channel
    std::uint64_t broker_h = 0; // the broker's end
};

struct Broker {
    int vpid = 0;
    int rank = 0;
    std::string local_uri;
    std::uint64_t main_h = 0;
    int connector_tid = 0;
    std::uint64_t connector_h = 0;
    int overlay_tid = 0;
    std::uint64_t overlay_h = 0;
    std::map<std::string, Module> modules;
};

struct Client {
    int vpid = 0;
    int tid = 0;
    std::uint64_t h = 0;
    std::string uuid; // the one its broker assigned: never recorded by the client
    int rank = 0;
};

// The records of one send or receive of a message, and which broker hop it is.
class Flux {
  public:
    explicit Flux(TraceBuilder &t) : t_(t) {}

    Broker &broker(int vpid, int rank, int size,
                   const std::vector<std::string> &services) {
        Broker b;
        b.vpid = vpid;
        b.rank = rank;
        b.local_uri = "local:///tmp/flux-test/local-" + std::to_string(rank);
        b.main_h = next_h();
        t_.process(vpid, "/usr/libexec/flux/cmd/flux-broker");
        t_.handle(vpid, vpid, 0, b.main_h, "interthread://broker");
        t_.attr(vpid, vpid, b.main_h, "rank", std::to_string(rank));
        t_.attr(vpid, vpid, b.main_h, "size", std::to_string(size));
        t_.attr(vpid, vpid, b.main_h, "local-uri", b.local_uri);
        b.overlay_tid = vpid + 1;
        b.overlay_h = next_h();
        t_.handle(vpid, b.overlay_tid, 0, b.overlay_h, "interthread://overlay");
        b.connector_tid = vpid + 2;
        int tid = vpid + 3;
        Module connector = add_module(b, "connector-local", b.connector_tid);
        b.connector_h = connector.h;
        for (const auto &svc : services)
            add_module(b, svc, tid++);
        brokers_.push_back(b);
        return brokers_.back();
    }

    Client client(int vpid, const Broker &b, const std::string &assigned_uuid) {
        Client c;
        c.vpid = vpid;
        c.tid = vpid;
        c.h = next_h();
        c.uuid = assigned_uuid;
        c.rank = b.rank;
        t_.process(vpid, "/usr/bin/kvs-load", b.local_uri);
        t_.handle(vpid, vpid, 0, c.h, "");
        return c;
    }

    // A client's request to a module of its broker: the client's send, the
    // connector's injection, the broker's route, the module's receive.
    // Returns {send, server receive}.
    std::pair<RecordId, RecordId> request(const Client &c, const Broker &b,
                                          const std::string &service, Msg m) {
        const Module &mod = b.modules.at(service);
        m.type = 1;
        m.route_first.clear();
        m.route_count = 0;
        const RecordId send = t_.msg(c.vpid, c.tid, 1, c.h, m);
        m.route_first = c.uuid;
        m.route_count = 1;
        t_.msg(b.vpid, b.connector_tid, 0, b.connector_h, m);
        m.route_count = 2;
        t_.msg(b.vpid, b.vpid, 2, b.main_h, m);
        t_.msg(b.vpid, b.vpid, 1, mod.broker_h, m);
        m.route_count = 3;
        const RecordId recv = t_.msg(b.vpid, mod.tid, 2, mod.h, m);
        return {send, recv};
    }

    // The module's response back to the client.  Returns {server send, receipt}.
    std::pair<RecordId, RecordId> respond(const Client &c, const Broker &b,
                                          const std::string &service, Msg m,
                                          bool received = true) {
        const Module &mod = b.modules.at(service);
        m.type = 2;
        m.route_first = c.uuid;
        m.route_count = 3;
        const RecordId send = t_.msg(b.vpid, mod.tid, 1, mod.h, m);
        m.route_count = 2;
        t_.msg(b.vpid, b.vpid, 2, mod.broker_h, m);
        t_.msg(b.vpid, b.vpid, 1, b.main_h, m);
        m.route_count = 1;
        t_.msg(b.vpid, b.connector_tid, 2, b.connector_h, m);
        RecordId recv = kNoRecord;
        if (received) {
            m.route_first.clear();
            m.route_count = 0;
            recv = t_.msg(c.vpid, c.tid, 2, c.h, m);
        }
        return {send, recv};
    }

  private:
    Module add_module(Broker &b, const std::string &service, int tid) {
        Module m;
        m.service = service;
        m.tid = tid;
        m.uuid = uuid(++uuids_);
        m.h = next_h();
        m.broker_h = next_h();
        const std::string uri = "interthread://" + m.uuid;
        t_.handle(b.vpid, b.vpid, 0, m.broker_h, uri);
        t_.handle(b.vpid, tid, 0, m.h, uri);
        b.modules[service] = m;
        return m;
    }
    std::uint64_t next_h() { return h_ += 0x1000; }

    TraceBuilder &t_;
    std::list<Broker> brokers_; // references stay valid
    std::uint64_t h_ = 0x7f0000000000;
    int uuids_ = 900;
};

// One broker (rank 0 of 1) serving kvs, and two clients of it (uuids 1 and 2):
//     TwoClients two;
//     auto &[t, flux, b, a, c] = two;
struct TwoClients {
    TraceBuilder t;
    Flux flux{t};
    Broker &b = flux.broker(100, 0, 1, {"kvs"});
    const Client a = flux.client(200, b, uuid(1));
    const Client c = flux.client(300, b, uuid(2));
};

} // namespace fluxtrace::hb::test
