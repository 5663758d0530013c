#include "dwfl_object.hpp"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace fluxtrace::symbolize {

namespace {

std::string demangle(const char *name) {
    if (name == nullptr)
        return {};
    if (name[0] != '_' || name[1] != 'Z')
        return name;
    int status = 0;
    char *out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status != 0 || out == nullptr)
        return name;
    std::string s(out);
    std::free(out);
    return s;
}

// A function's name, following DW_AT_abstract_origin / DW_AT_specification
// (inlined instances and out-of-class definitions carry no name themselves).
std::string die_function_name(Dwarf_Die *die) {
    Dwarf_Attribute attr;
    for (const int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name})
        if (dwarf_attr_integrate(die, at, &attr) != nullptr)
            if (const char *s = dwarf_formstring(&attr))
                return demangle(s);
    if (dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr)
        if (const char *s = dwarf_formstring(&attr))
            return s;
    return {};
}

int udata_attr(Dwarf_Die *die, int at) {
    Dwarf_Attribute attr;
    Dwarf_Word v = 0;
    if (dwarf_attr(die, at, &attr) == nullptr || dwarf_formudata(&attr, &v) != 0)
        return 0;
    return static_cast<int>(v);
}

// The file an inlined call was made from (DW_AT_call_file indexes the CU's
// file table).
std::string call_file(Dwarf_Die *cudie, Dwarf_Die *inlined) {
    Dwarf_Attribute attr;
    Dwarf_Word index = 0;
    if (dwarf_attr(inlined, DW_AT_call_file, &attr) == nullptr ||
        dwarf_formudata(&attr, &index) != 0)
        return {};
    Dwarf_Files *files = nullptr;
    size_t count = 0;
    if (dwarf_getsrcfiles(cudie, &files, &count) != 0 || index >= count)
        return {};
    const char *name = dwarf_filesrc(files, index, nullptr, nullptr);
    return name ? name : std::string();
}

bool is_function_scope(int tag) {
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

} // namespace

struct DwflObject::Impl {
    std::string debuginfo_path;
    char *debuginfo_path_ptr = nullptr;
    Dwfl_Callbacks callbacks{};
    Dwfl *dwfl = nullptr;
    Dwfl_Module *module = nullptr;
    // Added to a file address to get the address libdwfl placed it at.
    Dwarf_Addr bias = 0;

    ~Impl() {
        if (dwfl != nullptr)
            dwfl_end(dwfl);
    }
};

DwflObject::DwflObject(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DwflObject::~DwflObject() = default;

std::unique_ptr<DwflObject> DwflObject::open(const std::string &path,
                                             const std::string &debuginfo_path,
                                             std::string *why) {
    auto impl = std::make_unique<Impl>();
    // libdwfl keeps pointers to both: they live in Impl, which never moves.
    impl->debuginfo_path = debuginfo_path;
    impl->debuginfo_path_ptr = impl->debuginfo_path.data();
    impl->callbacks.find_elf = dwfl_build_id_find_elf;
    impl->callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
    impl->callbacks.section_address = dwfl_offline_section_address;
    impl->callbacks.debuginfo_path = &impl->debuginfo_path_ptr;
    impl->dwfl = dwfl_begin(&impl->callbacks);
    if (impl->dwfl == nullptr) {
        *why = std::string("libdwfl: ") + dwfl_errmsg(-1);
        return nullptr;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = std::strerror(errno);
        return nullptr;
    }
    dwfl_report_begin(impl->dwfl);
    // Base 0 relative to p_vaddr: libdwfl's addresses are the file's own.
    impl->module = dwfl_report_elf(impl->dwfl, path.c_str(), path.c_str(), fd, 0, true);
    if (impl->module == nullptr) {
        ::close(fd);
        *why = std::string("not an ELF object (") + dwfl_errmsg(-1) + ")";
        return nullptr;
    }
    dwfl_report_end(impl->dwfl, nullptr, nullptr);

    GElf_Addr bias = 0;
    Elf *elf = dwfl_module_getelf(impl->module, &bias);
    if (elf == nullptr) {
        *why = std::string("libdwfl: ") + dwfl_errmsg(-1);
        return nullptr;
    }
    impl->bias = bias;

    std::unique_ptr<DwflObject> obj(new DwflObject(std::move(impl)));
    obj->path_ = path;
    const unsigned char *bits = nullptr;
    GElf_Addr vaddr = 0;
    const int n = dwfl_module_build_id(obj->impl_->module, &bits, &vaddr);
    if (n > 0)
        obj->build_id_.assign(reinterpret_cast<const char *>(bits), n);
    size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) == 0)
        for (size_t i = 0; i < phnum; i++) {
            GElf_Phdr mem;
            const GElf_Phdr *ph = gelf_getphdr(elf, static_cast<int>(i), &mem);
            if (ph != nullptr && ph->p_type == PT_LOAD) {
                obj->first_load_vaddr_ = ph->p_vaddr;
                break;
            }
        }
    return obj;
}

std::vector<Frame> DwflObject::lookup(std::uint64_t file_address, bool *has_lines) const {
    *has_lines = false;
    std::vector<Frame> frames;
    Dwfl_Module *mod = impl_->module;
    const Dwarf_Addr addr = file_address + impl_->bias;

    Dwarf_Addr cu_bias = 0;
    Dwarf_Die *cudie = dwfl_module_addrdie(mod, addr, &cu_bias);
    Dwfl_Line *line = dwfl_module_getsrc(mod, addr);
    if (cudie != nullptr && line != nullptr) {
        Frame innermost;
        int lineno = 0, col = 0;
        if (const char *file =
                dwfl_lineinfo(line, nullptr, &lineno, &col, nullptr, nullptr))
            innermost.file = file;
        innermost.line = lineno;
        innermost.column = col;

        // dwarf_getscopes continues an inlined instance with the scopes of its
        // abstract definition; the chain of DIEs that physically contain the
        // innermost scope is what names the callers.
        Dwarf_Die *scopes = nullptr;
        int n = dwarf_getscopes(cudie, addr - cu_bias, &scopes);
        if (n > 0) {
            Dwarf_Die inner = scopes[0];
            std::free(scopes);
            scopes = nullptr;
            n = dwarf_getscopes_die(&inner, &scopes);
        }
        Frame current = innermost;
        for (int i = 0; i < n; i++) {
            const int tag = dwarf_tag(&scopes[i]);
            if (!is_function_scope(tag))
                continue;
            current.function = die_function_name(&scopes[i]);
            frames.push_back(current);
            if (tag == DW_TAG_subprogram)
                break;
            // The next function out called this one from here.
            current = Frame{};
            current.file = call_file(cudie, &scopes[i]);
            current.line = udata_attr(&scopes[i], DW_AT_call_line);
            current.column = udata_attr(&scopes[i], DW_AT_call_column);
        }
        std::free(scopes);
        if (frames.empty())
            frames.push_back(innermost); // a line but no function scope (asm)
        *has_lines = true;
    }

    // The symbol table names what DWARF does not (or names it more exactly
    // for the outermost function).
    GElf_Off offset = 0;
    GElf_Sym sym;
    const char *name =
        dwfl_module_addrinfo(mod, addr, &offset, &sym, nullptr, nullptr, nullptr);
    if (frames.empty()) {
        if (name != nullptr)
            frames.push_back(Frame{demangle(name), {}, 0, 0});
    } else if (frames.back().function.empty() && name != nullptr) {
        frames.back().function = demangle(name);
    }
    return frames;
}

} // namespace fluxtrace::symbolize
