#include "describer.hpp"

#include "analyzer/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace fluxtrace::report {

namespace {

std::string basename(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The CPython interpreter, libffi and cffi's backend, between a Python call and
// the C it calls: what a Python frame shows better.
bool in_python_runtime(const StackFrame &f) {
    for (std::string_view prefix : {"python3", "libpython3", "libffi", "_cffi_backend"})
        if (f.module.rfind(prefix, 0) == 0)
            return true;
    return false;
}

// A cffi stub: the C function a Python call into a library goes through.
bool is_cffi_stub(const StackFrame &f) {
    return f.function.rfind("_cffi_f_", 0) == 0 || f.function.rfind("_cffi_d_", 0) == 0;
}

// flux-core's own Python package (flux/wrapper.py, flux/core/handle.py, ...),
// wherever it is installed.
bool in_flux_bindings(std::string_view file) {
    for (std::string_view dir : {"/site-packages/flux/", "/dist-packages/flux/"})
        if (file.find(dir) != std::string_view::npos)
            return true;
    // flux-core installs its package under <prefix>/lib/flux/python3.X/flux/.
    const auto at = file.find("/flux/python3");
    return at != std::string_view::npos &&
           file.find("/flux/", at + std::string_view("/flux/python3").size()) !=
               std::string_view::npos;
}

} // namespace

Describer::Describer(const hb::Model &model, symbolize::Symbolizer *symbols,
                     std::vector<bool> lossy_sources)
    : model_(model), symbols_(symbols), lossy_(std::move(lossy_sources)) {}

bool Describer::lossy(hb::RecordId r) const {
    const auto src = model_.records()[r].src();
    return src < lossy_.size() && lossy_[src];
}

std::string Describer::process_role(hb::RecordId r) const {
    const hb::Process &p = model_.process_of(r);
    switch (p.role) {
    case hb::ProcessRole::Broker:
        return p.rank >= 0 ? fmt::format("broker rank {}", p.rank) : "broker";
    case hb::ProcessRole::Client:
        return p.rank >= 0 ? fmt::format("client on rank {}", p.rank) : "client";
    case hb::ProcessRole::ExecChild:
        return "exec child";
    default:
        return "process (no broker)";
    }
}

std::string Describer::thread_role(hb::RecordId r) const {
    const hb::Thread &t = model_.thread_of(r);
    switch (t.role) {
    case hb::ThreadRole::Main:
        return "main thread";
    case hb::ThreadRole::Router:
        return "router thread";
    case hb::ThreadRole::Module:
        return t.service.empty() ? "module thread"
                                 : fmt::format("module thread ({})", t.service);
    default:
        return t.vtid == model_.process_of(r).vpid ? "main thread" : "thread";
    }
}

std::string Describer::exe(hb::RecordId r) const {
    const hb::Process &p = model_.process_of(r);
    if (!p.exe.empty())
        return basename(p.exe);
    return std::string(model_.records()[r].procname());
}

Side Describer::side(hb::RecordId r, std::string role) const {
    Side s;
    s.role = std::move(role);
    s.process = process_role(r);
    s.exe = exe(r);
    s.thread = thread_role(r);
    s.record = std::string(model_.records()[r].name());
    s.anchor.valid = true;
    s.anchor.record = r;
    s.anchor.process = model_.processes().process_of(r);
    s.anchor.thread = model_.processes().thread_of[r];
    s.anchor.ts_ns = model_.records()[r].ts_ns();
    return s;
}

void Describer::append(std::vector<StackFrame> &out, const Record &rec,
                       std::uint64_t address, symbolize::AddressKind kind) const {
    if (!symbols_) {
        out.push_back({});
        return;
    }
    const symbolize::Symbol &sym =
        symbols_->resolve({rec.src(), rec.vpid()}, address, rec.ts_ns(), kind);
    StackFrame base;
    if (sym.status != symbolize::SymbolStatus::NoObject) {
        base.module = sym.module;
        base.offset = sym.offset;
    }
    if (sym.frames.empty()) {
        out.push_back(base);
        return;
    }
    for (const auto &f : sym.frames) {
        StackFrame frame = base;
        frame.function = f.function;
        frame.file = basename(f.file);
        frame.line = f.line;
        out.push_back(std::move(frame));
    }
}

std::vector<StackFrame> Describer::stack(hb::RecordId r) const {
    std::vector<StackFrame> out;
    const Record &rec = model_.records()[r];
    if (!rec.has(field::msg::stack)) // every record with a stack names it so
        return out;
    const U64Array addresses = rec.u64s(field::msg::stack);
    for (size_t i = 0; i < addresses.size(); i++)
        append(out, rec, addresses[i], symbolize::AddressKind::Return);
    // The tracer's own wrappers are not the program's code (as sanitizers hide
    // their interceptors).
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const StackFrame &f) {
                                 return f.module.rfind("libfluxtrace", 0) == 0;
                             }),
              out.end());
    if (rec.has(field::msg::pystack))
        replace_interpreter(out, rec);
    return out;
}

void Describer::replace_interpreter(std::vector<StackFrame> &out,
                                    const Record &rec) const {
    const U64Array pairs = rec.u64s(field::msg::pystack);
    if (pairs.size() < 2)
        return;
    // Everything from the interpreter outwards (and the cffi stub that entered
    // it) is told by the Python frames instead: the native frames there are
    // the interpreter's, the same for every Python call site.
    auto first = std::find_if(out.begin(), out.end(), in_python_runtime);
    while (first != out.begin() && is_cffi_stub(*std::prev(first)))
        --first;
    out.erase(first, out.end());
    const symbolize::ObjectMap *objects = symbols_ ? &symbols_->objects() : nullptr;
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
        StackFrame frame;
        frame.line = static_cast<int>(static_cast<std::int64_t>(pairs[i + 1]));
        if (const symbolize::PythonCode *code =
                objects
                    ? objects->python_code({rec.src(), rec.vpid()}, pairs[i], rec.ts_ns())
                    : nullptr) {
            frame.function = code->qualname;
            frame.file = basename(code->file);
            frame.python_runtime = in_flux_bindings(code->file);
        }
        out.push_back(std::move(frame));
    }
}

std::vector<StackFrame> Describer::callback_stack(const hb::Callback &cb) const {
    std::vector<StackFrame> out;
    if (cb.begin == hb::kNoRecord)
        return out;
    append(out, model_.records()[cb.begin], cb.fn, symbolize::AddressKind::Exact);
    for (auto &f : stack(cb.begin))
        out.push_back(std::move(f));
    return out;
}

std::string Describer::function_at(hb::RecordId r, std::uint64_t address) const {
    std::vector<StackFrame> one;
    append(one, model_.records()[r], address, symbolize::AddressKind::Exact);
    if (one.empty())
        return "??";
    return one.front().function.empty() ? one.front().to_string() : one.front().function;
}

std::string Describer::blame(const std::vector<StackFrame> &stack) {
    const StackFrame *f = blamed_frame(stack);
    if (f == nullptr)
        return "";
    return f->function.empty() ? f->to_string() : f->function;
}

} // namespace fluxtrace::report
