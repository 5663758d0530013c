// Writes Chrome Trace Event JSON (the format of chrome://tracing, which
// Perfetto's UI opens as it is) event by event into a FILE: nothing of the
// document is kept but a small buffer, so memory does not grow with the output.
//
//     TraceEventWriter w(file, origin_ns);
//     w.process_name(1, "broker rank 0 (flux-broker)");
//     w.complete(1, 7, begin_ns, end_ns, "callback", "msg_handler of kvs.lookup",
//                Args().add("fn", "lookup_request_cb"));
//     w.finish();   // closes the document; throws timeline::Error on a write error
//
// Timestamps are absolute ns; they are written in microseconds (the format's
// unit) from `origin_ns`, with three decimals, so no nanosecond is lost.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace fluxtrace::timeline {

// An event's "args" object, rendered as it is built.
class Args {
  public:
    Args &add(std::string_view key, std::string_view value);
    Args &add(std::string_view key, std::int64_t value);
    bool empty() const { return json_.empty(); }
    // `"k":"v",...` without braces.
    const std::string &json() const { return json_; }

  private:
    std::string json_;
};

// Appends `text` as a JSON string (quoted, escaped; bytes that are not valid
// UTF-8 become U+FFFD so the document stays valid JSON).
void append_json_string(std::string &out, std::string_view text);
// ns as microseconds with three decimals: 1234567 -> "1234.567".
void append_us(std::string &out, std::uint64_t ns);

class TraceEventWriter {
  public:
    // Writes the document's head.  `path` names the file in errors.
    TraceEventWriter(std::FILE *out, std::string path, std::uint64_t origin_ns);

    void process_name(std::uint32_t pid, std::string_view name);
    void thread_name(std::uint32_t pid, std::uint32_t tid, std::string_view name);
    // "X": a slice [start_ns, end_ns] on a thread's track.
    void complete(std::uint32_t pid, std::uint32_t tid, std::uint64_t start_ns,
                  std::uint64_t end_ns, std::string_view cat, std::string_view name,
                  const Args &args = {});
    // "i", thread scope.
    void instant(std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns,
                 std::string_view cat, std::string_view name, const Args &args = {});
    // "C": one series `key` of the process counter `name`.
    void counter(std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns,
                 std::string_view name, std::string_view key, double value);
    // "s" (start: true) or "f" (finish, bound to the enclosing slice) of flow `id`;
    // both ends must carry the same cat and name.
    void flow(bool start, std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns,
              std::uint64_t id, std::string_view cat, std::string_view name);

    // Closes the document with `other` ("otherData": strings about the run)
    // and flushes; throws Error when the file could not be written.
    void finish(const Args &other);

    std::uint64_t events() const { return events_; }

  private:
    static constexpr std::uint32_t kNoTid = UINT32_MAX;
    // `{"ph":"X","pid":1,"tid":2,"ts":...` up to the phase-specific fields.
    void head(char phase, std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns);
    void name_and_cat(std::string_view cat, std::string_view name);
    void end_event(const Args &args);
    void flush_if_full();
    void flush();

    std::FILE *out_;
    std::string path_;
    std::uint64_t origin_ns_;
    std::string buf_;
    std::uint64_t events_ = 0;
    bool failed_ = false;
};

} // namespace fluxtrace::timeline
