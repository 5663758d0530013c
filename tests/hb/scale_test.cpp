// 1,000 clients on 4 brokers: the clock forest stays a few nodes per edge
// (hub-and-spoke traffic is what provenance pruning is for), and queries agree
// with the structure of the traffic.
#include <gtest/gtest.h>

#include <chrono>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Client;
using test::Flux;
using test::Msg;
using test::TraceBuilder;

// A 4-rank instance whose brokers serve kvs.
std::vector<test::Broker *> four_brokers(Flux &flux) {
    std::vector<test::Broker *> brokers;
    for (int rank = 0; rank < 4; rank++)
        brokers.push_back(&flux.broker(100 + 100 * rank, rank, 4, {"kvs"}));
    return brokers;
}

TEST(Scale, ThousandClientsOnFourBrokers) {
    TraceBuilder t;
    Flux flux(t);
    const std::vector<test::Broker *> brokers = four_brokers(flux);
    std::vector<Client> clients;
    for (int i = 0; i < 1000; i++)
        clients.push_back(flux.client(10000 + i, *brokers[i % 4], test::uuid(1000 + i)));
    std::vector<std::pair<RecordId, RecordId>> first, last;
    const int rounds = 10;
    for (int round = 0; round < rounds; round++)
        for (size_t i = 0; i < clients.size(); i++) {
            Msg q;
            q.topic = "kvs.lookup";
            q.payload = test::lookup_payload("k." + std::to_string(i) + "." +
                                             std::to_string(round));
            const auto use = flux.request(clients[i], *brokers[i % 4], "kvs", q);
            Msg r = q;
            r.payload = test::value_payload(std::to_string(round));
            const auto answer = flux.respond(clients[i], *brokers[i % 4], "kvs", r);
            if (round == 0)
                first.push_back({use.first, answer.second});
            if (round == rounds - 1)
                last.push_back({use.first, answer.second});
        }
    const auto start = std::chrono::steady_clock::now();
    Model m(t.records);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto &hb = m.relation();
    const size_t edges = hb.edges().size();
    const double nodes_per_edge = double(hb.forest().node_count()) / double(edges);
    std::printf("records %zu, threads %zu, edges %zu, clock nodes %zu (%.2f per edge, "
                "%.1f bytes per record), %.3f s\n",
                t.records.size(), hb.thread_count(), edges, hb.forest().node_count(),
                nodes_per_edge, double(hb.bytes_reserved()) / double(t.records.size()),
                seconds);
    EXPECT_EQ(edges, 2u * rounds * clients.size());
    EXPECT_LT(nodes_per_edge, 8.0);
    // Clients of one kvs module are ordered by it: the first round of client 0
    // precedes the last round of every client of its broker, not of the others.
    EXPECT_TRUE(m.happens_before(first[0].first, last[4].second));
    EXPECT_TRUE(m.concurrent(first[0].first, last[1].second));
    EXPECT_TRUE(m.concurrent(last[0].second, last[4].second));
}

TEST(Scale, ThousandIdenticalShortLivedClients) {
    // A thousand `flux kvs get`s one after the other, over 4 brokers, all
    // sending the same 4 requests: only the time of each exchange tells them
    // apart (docs/happens-before.md, "Request send"), and it tells all.
    TraceBuilder t;
    Flux flux(t);
    const std::vector<test::Broker *> brokers = four_brokers(flux);
    std::vector<std::pair<RecordId, RecordId>> uses;
    const int n = 1000, rpcs = 4;
    for (int i = 0; i < n; i++) {
        const auto &b = *brokers[i % 4];
        const Client c = flux.client(10000 + i, b, test::uuid(1000 + i));
        for (int k = 0; k < rpcs; k++) {
            Msg q;
            q.topic = "kvs.lookup";
            q.payload = test::lookup_payload("same.key");
            uses.push_back(flux.request(c, b, "kvs", q));
            Msg r = q;
            r.payload = test::value_payload("1");
            flux.respond(c, b, "kvs", r);
        }
    }
    Model m(t.records);
    EXPECT_EQ(m.relation().edges().size(), 2u * rpcs * n);
    EXPECT_EQ(m.messages().ambiguous_connections, 0u);
    for (const auto &[send, recv] : uses) {
        const Message *msg = m.message_of(send);
        ASSERT_NE(msg, nullptr);
        EXPECT_EQ(msg->server_recv, recv);
    }
}

} // namespace
} // namespace fluxtrace::hb
