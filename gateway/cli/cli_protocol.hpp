// The line protocol between gwctl and gatewayd on the CLI unix socket: one
// tag character, a space, then text, per '\n'-terminated line; requests from
// the client, output lines and one end line per request from the server.
#pragma once

//   client -> server   "x LINE"  run a command     "? LINE"  help for a partial line
//                      "t LINE"  TAB: the words that complete the last word of LINE
//   server -> client   "o TEXT"  a line of output  "c WORD"  a completion
//                      "d TEXT"  a debug trace line (asynchronous, at any time)
//                      ". ok PROMPT" | ". error PROMPT" | ". bye"  end of a reply
// On connect the server sends ". ok PROMPT" first; each request gets exactly
// one end line. Lines longer than kMaxLine are refused.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gw::cli {

constexpr std::size_t kMaxLine = 4096;

enum class RequestKind { Exec, Help, Complete };

struct Request {
    RequestKind kind = RequestKind::Exec;
    std::string text;
};

std::string encodeRequest(RequestKind kind, std::string_view text);
// nullopt when the line is not a request.
std::optional<Request> parseRequest(std::string_view line);

enum class ReplyKind { Output, Completion, Trace, End };
enum class EndStatus { Ok, Error, Bye };

struct ReplyLine {
    ReplyKind kind = ReplyKind::Output;
    std::string text;                 // Output/Completion/Trace: the text; End: the prompt
    EndStatus status = EndStatus::Ok; // End only
};

std::string outputLine(std::string_view text);
std::string completionLine(std::string_view word);
std::string traceLine(std::string_view text);
std::string endLine(EndStatus status, std::string_view prompt);
// nullopt when the line is not a reply line.
std::optional<ReplyLine> parseReply(std::string_view line);

// Removes a trailing '\r' and replaces other control characters by spaces,
// so nothing a client sends reaches the command parser as a control code.
std::string sanitize(std::string_view line);

} // namespace gw::cli
