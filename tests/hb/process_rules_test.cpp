// Program order, fork, spawn, exec and thread creation.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "analyzer/hb/process_ends.hpp"
#include "trace_builder.hpp"

namespace fluxtrace::hb {
namespace {

using test::TraceBuilder;

constexpr std::int64_t kFork = 0, kSpawn = 1, kExec = 2, kThreadCreate = 3,
                       kThreadStart = 4, kExit = 5;

TEST(ProgramOrder, WithinAThreadOnly) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto a1 = t.future(10, 10, 0, 0x1);
    const auto b1 = t.future(10, 11, 0, 0x2);
    const auto a2 = t.future(10, 10, 4, 0x1);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(a1, a2));
    EXPECT_TRUE(m.concurrent(a1, b1));
    EXPECT_TRUE(m.concurrent(b1, a2));
}

TEST(Fork, ParentBeforeTheForkPrecedesTheChild) {
    TraceBuilder t;
    t.process(10, "/bin/parent");
    const auto before = t.future(10, 10, 0, 0x1);
    const auto fork = t.life(10, 10, kFork, 20);
    const auto after = t.future(10, 10, 4, 0x1);
    const auto child_first = t.process(20, "/bin/parent", "", 10);
    const auto child = t.future(20, 20, 0, 0x1);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(before, child));
    EXPECT_TRUE(m.happens_before(fork, child_first));
    EXPECT_TRUE(m.concurrent(after, child));
    EXPECT_EQ(m.process_of(child).parent, m.processes().process_of(before));
}

TEST(Spawn, ChildStartsAfterTheCall) {
    TraceBuilder t;
    t.process(10, "/bin/launcher");
    const auto spawn = t.life(10, 10, kSpawn, 30);
    const auto after = t.future(10, 10, 0, 0x1);
    const auto child = t.process(30, "/bin/child", "", 10);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(spawn, child));
    EXPECT_TRUE(m.concurrent(after, child));
}

TEST(Exec, NewImageFollowsTheExec) {
    TraceBuilder t;
    t.process(40, "/usr/libexec/flux/cmd/flux-broker");
    const auto old_work = t.future(40, 40, 0, 0x1);
    const auto exec = t.life(40, 40, kExec, 40);
    const auto image = t.process(40, "/usr/bin/kvs-load");
    const auto new_work = t.future(40, 40, 0, 0x1);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(old_work, new_work));
    EXPECT_TRUE(m.happens_before(exec, image));
    EXPECT_NE(&m.process_of(old_work), &m.process_of(new_work));
    EXPECT_EQ(m.process_of(new_work).exe, "/usr/bin/kvs-load");
    EXPECT_EQ(m.processes().processes[m.processes().process_of(new_work)].previous_image,
              m.processes().process_of(old_work));
}

TEST(Exec, AForkChildThatKeptItsParentsPidIsNotItsParentsThread) {
    // Python forks without LTTng's fork hooks: the child's exec attempts carry
    // the parent's vpid and vtid, and its own pid in `pid`.
    TraceBuilder t;
    t.process(85, "/usr/bin/python3");
    const auto parent_before = t.future(85, 95, 0, 0x1);
    const auto try1 = t.life(85, 95, kExec, 103);
    const auto parent_after = t.future(85, 95, 4, 0x1);
    const auto try2 = t.life(85, 95, kExec, 103);
    const auto child = t.process(103, "/usr/bin/flux", "", 85);
    Model m(t.records);
    EXPECT_EQ(m.process_of(try1).role, ProcessRole::ExecChild);
    EXPECT_TRUE(m.happens_before(try1, try2));
    EXPECT_TRUE(m.happens_before(try2, child));
    // Not ordered with what the parent's thread did around it.
    EXPECT_TRUE(m.concurrent(parent_after, try2));
    EXPECT_TRUE(m.concurrent(parent_after, child));
    EXPECT_FALSE(m.happens_before(parent_before, try1));
}

TEST(ThreadCreate, StartFollowsCreate) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto before = t.future(10, 10, 0, 0x1);
    t.life(10, 10, kThreadCreate, -1, 0xa00000001);
    const auto after = t.future(10, 10, 4, 0x1);
    const auto start = t.life(10, 11, kThreadStart, -1, 0xa00000001);
    const auto work = t.future(10, 11, 0, 0x2);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(before, start));
    EXPECT_TRUE(m.happens_before(before, work));
    EXPECT_TRUE(m.concurrent(after, work));
}

TEST(ThreadCreate, TokensDoNotCrossProcesses) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    t.process(20, "/bin/b");
    const auto create = t.life(10, 10, kThreadCreate, -1, 0x7);
    const auto start = t.life(20, 21, kThreadStart, -1, 0x7);
    Model m(t.records);
    EXPECT_TRUE(m.concurrent(create, start));
}

TEST(Process, StatedumpBeforeTheProcessRecordIsTheSameImage) {
    TraceBuilder t;
    const auto dump = t.add("lttng_ust_statedump:start", 10, 10, {});
    const auto proc = t.process(10, "/bin/a");
    Model m(t.records);
    EXPECT_EQ(&m.process_of(dump), &m.process_of(proc));
    EXPECT_EQ(m.processes().processes.size(), 1u);
}

// Format 4: a process that exits writes an exit record; one that execs ends
// its image with the exec record; any other image of format 4 is listed.
// Format 3 images are never judged: they cannot say.
TEST(ProcessEnds, ImagesWithoutAnExitOrExecAreListed) {
    TraceBuilder t;
    t.process(10, "/bin/exits", "", 1, 4);
    t.future(10, 10, 0, 0x1);
    t.life(10, 10, kExit, 10);
    t.process(20, "/bin/killed", "", 1, 4);
    t.future(20, 20, 0, 0x1);
    t.future(20, 21, 4, 0x1);
    t.process(30, "/bin/sh", "", 1, 4);
    t.life(30, 30, kExec, 30);
    t.process(30, "/bin/execd", "", 1, 4); // the new image, which exits
    t.life(30, 30, kExit, 30);
    t.process(40, "/bin/old", "", 1, 3); // format 3: not judged
    t.future(40, 40, 0, 0x1);
    t.process(50, "/bin/forked", "", 1, 4);
    t.life(50, 50, kExec, 51); // an exec under another pid ends nothing here

    Model m(t.records);
    const ProcessTable &table = m.processes();
    const auto unended = unended_processes(table);
    ASSERT_EQ(unended.size(), 2u);
    EXPECT_EQ(table.processes[unended[0]].vpid, 20);
    EXPECT_EQ(table.processes[unended[1]].vpid, 50);
    EXPECT_EQ(describe(table, unended), "test (pid 20), test (pid 50)");
    EXPECT_EQ(describe(table, unended, 1), "test (pid 20) and 1 more");
}

} // namespace
} // namespace fluxtrace::hb
