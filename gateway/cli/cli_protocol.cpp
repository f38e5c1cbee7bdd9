// Encoding and parsing of CLI protocol lines (see cli_protocol.hpp).
#include "gateway/cli/cli_protocol.hpp"

namespace gw::cli {
namespace {

std::string tagged(char tag, std::string_view text) {
    std::string s;
    s.reserve(text.size() + 3);
    s += tag;
    s += ' ';
    for (char c : text) s += c == '\n' || c == '\r' ? ' ' : c;
    s += '\n';
    return s;
}

// "T TEXT" -> TEXT; a bare "T" -> "".
std::string_view body(std::string_view line) {
    return line.size() >= 2 ? line.substr(2) : std::string_view{};
}

} // namespace

std::string encodeRequest(RequestKind kind, std::string_view text) {
    char tag = kind == RequestKind::Exec ? 'x' : kind == RequestKind::Help ? '?' : 't';
    return tagged(tag, text);
}

std::optional<Request> parseRequest(std::string_view line) {
    if (line.empty() || (line.size() >= 2 && line[1] != ' ')) return std::nullopt;
    Request r;
    switch (line[0]) {
    case 'x': r.kind = RequestKind::Exec; break;
    case '?': r.kind = RequestKind::Help; break;
    case 't': r.kind = RequestKind::Complete; break;
    default: return std::nullopt;
    }
    r.text = sanitize(body(line));
    return r;
}

std::string outputLine(std::string_view text) { return tagged('o', text); }
std::string completionLine(std::string_view word) { return tagged('c', word); }
std::string traceLine(std::string_view text) { return tagged('d', text); }

std::string endLine(EndStatus status, std::string_view prompt) {
    if (status == EndStatus::Bye) return ". bye\n";
    return std::string(". ") + (status == EndStatus::Ok ? "ok " : "error ") + std::string(prompt) + "\n";
}

std::optional<ReplyLine> parseReply(std::string_view line) {
    if (line.empty() || (line.size() >= 2 && line[1] != ' ')) return std::nullopt;
    ReplyLine r;
    switch (line[0]) {
    case 'o': r.kind = ReplyKind::Output; break;
    case 'c': r.kind = ReplyKind::Completion; break;
    case 'd': r.kind = ReplyKind::Trace; break;
    case '.': r.kind = ReplyKind::End; break;
    default: return std::nullopt;
    }
    std::string_view text = body(line);
    if (r.kind != ReplyKind::End) {
        r.text = std::string(text);
        return r;
    }
    auto space = text.find(' ');
    std::string_view status = text.substr(0, space);
    if (status == "ok") r.status = EndStatus::Ok;
    else if (status == "error") r.status = EndStatus::Error;
    else if (status == "bye") r.status = EndStatus::Bye;
    else return std::nullopt;
    if (space != std::string_view::npos) r.text = std::string(text.substr(space + 1));
    return r;
}

std::string sanitize(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string s(line);
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return s;
}

} // namespace gw::cli
