#include "trace_event_writer.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "timeline_options.hpp"

namespace fluxtrace::timeline {

namespace {

constexpr size_t kFlushAt = 1 << 20;

// Length of the valid UTF-8 sequence at text[i], or 0.
size_t utf8_length(std::string_view text, size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xe  ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
    if (n == 0 || i + n > text.size())
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
            return 0;
    return n;
}

void append_number(std::string &out, std::uint64_t v) {
    char digits[24];
    const int n = std::snprintf(digits, sizeof digits, "%" PRIu64, v);
    out.append(digits, static_cast<size_t>(n));
}

} // namespace

void append_json_string(std::string &out, std::string_view text) {
    out += '"';
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            const size_t n = utf8_length(text, i);
            if (n == 0) {
                out += "\\ufffd";
                i++;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", u);
                out += esc;
            } else {
                out += c;
            }
        }
        i++;
    }
    out += '"';
}

void append_us(std::string &out, std::uint64_t ns) {
    append_number(out, ns / 1000);
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ns % 1000));
    out += frac;
}

Args &Args::add(std::string_view key, std::string_view value) {
    if (!json_.empty())
        json_ += ',';
    append_json_string(json_, key);
    json_ += ':';
    append_json_string(json_, value);
    return *this;
}

Args &Args::add(std::string_view key, std::int64_t value) {
    if (!json_.empty())
        json_ += ',';
    append_json_string(json_, key);
    json_ += ':';
    json_ += std::to_string(value);
    return *this;
}

TraceEventWriter::TraceEventWriter(std::FILE *out, std::string path,
                                   std::uint64_t origin_ns)
    : out_(out), path_(std::move(path)), origin_ns_(origin_ns) {
    buf_.reserve(kFlushAt + 4096);
    // Perfetto and chrome://tracing both read the object form; ns display keeps
    // sub-microsecond waits readable.
    buf_ += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
}

void TraceEventWriter::head(char phase, std::uint32_t pid, std::uint32_t tid,
                            std::uint64_t ts_ns) {
    if (events_++ > 0)
        buf_ += ",\n";
    buf_ += "{\"ph\":\"";
    buf_ += phase;
    buf_ += "\",\"pid\":";
    append_number(buf_, pid);
    if (tid != kNoTid) {
        buf_ += ",\"tid\":";
        append_number(buf_, tid);
    }
    buf_ += ",\"ts\":";
    // Metadata has no time; everything else lies at or after the origin.
    append_us(buf_, ts_ns > origin_ns_ ? ts_ns - origin_ns_ : 0);
}

void TraceEventWriter::name_and_cat(std::string_view cat, std::string_view name) {
    buf_ += ",\"cat\":";
    append_json_string(buf_, cat);
    buf_ += ",\"name\":";
    append_json_string(buf_, name);
}

void TraceEventWriter::end_event(const Args &args) {
    if (!args.empty()) {
        buf_ += ",\"args\":{";
        buf_ += args.json();
        buf_ += '}';
    }
    buf_ += '}';
    flush_if_full();
}

void TraceEventWriter::process_name(std::uint32_t pid, std::string_view name) {
    // No tid: the name is the process's, not a thread's (a tid here would
    // make Perfetto invent a thread by that id in every process).
    head('M', pid, kNoTid, origin_ns_);
    buf_ += ",\"name\":\"process_name\"";
    end_event(Args().add("name", name));
}

void TraceEventWriter::thread_name(std::uint32_t pid, std::uint32_t tid,
                                   std::string_view name) {
    head('M', pid, tid, origin_ns_);
    buf_ += ",\"name\":\"thread_name\"";
    end_event(Args().add("name", name));
}

void TraceEventWriter::complete(std::uint32_t pid, std::uint32_t tid,
                                std::uint64_t start_ns, std::uint64_t end_ns,
                                std::string_view cat, std::string_view name,
                                const Args &args) {
    head('X', pid, tid, start_ns);
    buf_ += ",\"dur\":";
    append_us(buf_, end_ns > start_ns ? end_ns - start_ns : 0);
    name_and_cat(cat, name);
    end_event(args);
}

void TraceEventWriter::instant(std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns,
                               std::string_view cat, std::string_view name,
                               const Args &args) {
    head('i', pid, tid, ts_ns);
    buf_ += ",\"s\":\"t\"";
    name_and_cat(cat, name);
    end_event(args);
}

void TraceEventWriter::counter(std::uint32_t pid, std::uint32_t tid, std::uint64_t ts_ns,
                               std::string_view name, std::string_view key,
                               double value) {
    head('C', pid, tid, ts_ns);
    buf_ += ",\"name\":";
    append_json_string(buf_, name);
    buf_ += ",\"args\":{";
    append_json_string(buf_, key);
    char number[32];
    std::snprintf(number, sizeof number, ":%.9g}", value);
    buf_ += number;
    buf_ += '}';
    flush_if_full();
}

void TraceEventWriter::flow(bool start, std::uint32_t pid, std::uint32_t tid,
                            std::uint64_t ts_ns, std::uint64_t id, std::string_view cat,
                            std::string_view name) {
    head(start ? 's' : 'f', pid, tid, ts_ns);
    buf_ += ",\"id\":";
    append_number(buf_, id);
    // "e": the finish binds to the slice enclosing it, as the start always does
    // (without it, to the next slice to begin on that track).
    if (!start)
        buf_ += ",\"bp\":\"e\"";
    name_and_cat(cat, name);
    end_event({});
}

void TraceEventWriter::finish(const Args &other) {
    buf_ += "\n],\"otherData\":{";
    buf_ += other.json();
    buf_ += "}}\n";
    flush();
    if (std::fflush(out_) != 0 || std::ferror(out_))
        failed_ = true;
    if (failed_)
        throw Error("--timeline '" + path_ + "': write failed: " + std::strerror(errno));
}

void TraceEventWriter::flush_if_full() {
    if (buf_.size() >= kFlushAt)
        flush();
}

void TraceEventWriter::flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size())
        failed_ = true;
    buf_.clear();
}

} // namespace fluxtrace::timeline
