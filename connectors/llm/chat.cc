// chat() and what both clients share: the streamed POST over a curl multi
// handle (so keep_going is polled every 50 ms even when no byte arrives),
// HTTP error classification and the end-of-stream verdict.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "llm/stream.h"

namespace glint::connectors::llm {

Result chat(const Provider& p, const Request& r, const Callbacks& cb) {
  return p.kind == Kind::kAnthropic ? detail::anthropic_chat(p, r, cb) : detail::openai_chat(p, r, cb);
}

namespace detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kErrorBodyCap = 64u << 10;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  CURL* h = nullptr;
  Reply* reply = nullptr;
  SseParser parser;
  const std::function<bool(const SseParser::Event&)>* on_event = nullptr;
  Clock::time_point last_byte;
  bool stopped = false, too_large = false, error_body_full = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t len = size * n;
  s->last_byte = Clock::now();
  if (s->reply->status == 0) {
    long status = 0;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    s->reply->status = static_cast<int>(status);
  }
  if (s->reply->status < 200 || s->reply->status > 299) {
    std::string& b = s->reply->error_body;
    b.append(data, std::min(len, kErrorBodyCap - b.size()));
    if (b.size() >= kErrorBodyCap) {
      s->error_body_full = true;  // enough to classify: stop reading
      return 0;
    }
    return len;
  }
  const bool fed = s->parser.feed(std::string_view(data, len), [s](const SseParser::Event& e) {
    ++s->reply->events;
    if (!s->stopped && !(*s->on_event)(e)) s->stopped = true;
  });
  if (!fed) s->too_large = true;
  return (s->stopped || s->too_large) ? 0 : len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  s->last_byte = Clock::now();
  add_header_line(s->reply->headers, std::string_view(data, size * n));
  return size * n;
}

// "https://api.openai.com/v1/chat/completions?x" → "api.openai.com/v1/chat/completions".
std::string where(const std::string& url) {
  const size_t scheme = url.find("://");
  std::string s = scheme == std::string::npos ? url : url.substr(scheme + 3);
  return s.substr(0, s.find('?'));
}

int retry_after(const Reply& r) {
  if (const std::string ms = r.header("retry-after-ms"); !ms.empty()) {
    char* end = nullptr;
    const double v = std::strtod(ms.c_str(), &end);
    if (end != ms.c_str() && v >= 0) return static_cast<int>(std::ceil(v / 1000.0));
  }
  if (const std::string s = r.header("retry-after"); !s.empty()) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && v >= 0) return static_cast<int>(std::ceil(v));
  }
  return -1;  // absent (an HTTP-date is not worth parsing here: the caller backs off)
}

const nlohmann::json* member(const nlohmann::json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

std::string text_of(const nlohmann::json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : ""; }

void classify_http(Result& out, const Reply& reply, const std::string& api_key) {
  out.failure = "http";
  out.status = reply.status;
  out.retry_after_s = retry_after(reply);
  std::string type, message, code;
  const nlohmann::json body = nlohmann::json::parse(reply.error_body, nullptr, false);
  if (const nlohmann::json* err = member(body, "error"); err != nullptr) {
    if (err->is_object()) {
      // Anthropic {type, message, details:{error_code}}; OpenAI {message, type, code}.
      type = text_of(member(*err, "type"));
      message = text_of(member(*err, "message"));
      code = text_of(member(*err, "code"));
      if (const nlohmann::json* d = member(*err, "details"); d != nullptr) {
        if (const std::string ec = text_of(member(*d, "error_code")); !ec.empty()) code = ec;
      }
    } else if (err->is_string()) {
      message = err->get<std::string>();  // compatible servers: {"error":"unknown role developer"}
    }
  } else if (body.is_object()) {
    message = text_of(member(body, "message"));
    if (message.empty()) message = text_of(member(body, "detail"));
  }
  if (out.request_id.empty()) out.request_id = text_of(member(body, "request_id"));
  // The most specific name: OpenAI's code (insufficient_quota, invalid_api_key),
  // Anthropic's details.error_code (enforced_spend_limit_reached), else the type.
  out.error_type = code.empty() ? type : code;
  const bool quota = code == "insufficient_quota" || type == "insufficient_quota" ||
                     code == "enforced_spend_limit_reached" || type == "billing_error";
  const int s = reply.status;
  out.retryable = (s == 429 && !quota) || s == 408 || s == 409 || s == 529 || (s >= 500 && s <= 599);
  // The provider's own word wins, as in the official SDKs.
  if (const std::string say = reply.header("x-should-retry"); say == "true" || say == "false") out.retryable = say == "true";
  if (message.empty()) message = "HTTP " + std::to_string(s);
  out.message = scrub(reply.where + " answered " + std::to_string(s) + ": " + message, api_key);
}

}  // namespace

std::string scrub(std::string message, const std::string& api_key) {
  if (api_key.size() >= 4) {
    for (size_t at = message.find(api_key); at != std::string::npos; at = message.find(api_key, at)) message.replace(at, api_key.size(), "[key]");
  }
  // Providers echo part of a wrong key ("Incorrect API key provided: sk-fake-…abcd"):
  // mask every sk-… word too.
  for (size_t at = message.find("sk-"); at != std::string::npos; at = message.find("sk-", at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(message[at - 1])) || message[at - 1] == '-')) continue;
    size_t end = at;
    while (end < message.size() && !std::isspace(static_cast<unsigned char>(message[end])) && message[end] != '"' &&
           message[end] != ',' && message[end] != '.')
      ++end;
    message.replace(at, end - at, "[key]");
  }
  for (char& c : message)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (message.size() > 300) message = message.substr(0, 297) + "...";
  return message;
}

bool retryable_stream_error(const std::string& type) {
  static const char* const kFinal[] = {"invalid_request_error", "authentication_error", "permission_error",
                                       "not_found_error",       "billing_error",        "insufficient_quota",
                                       "invalid_api_key",       "request_too_large",    "enforced_spend_limit_reached"};
  return std::none_of(std::begin(kFinal), std::end(kFinal), [&](const char* f) { return type == f; });
}

Reply stream_post(const Exchange& x, const Callbacks& cb, const std::function<bool(const SseParser::Event&)>& on_event) {
  global_init();
  Reply reply;
  reply.where = where(x.url);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> m(curl_multi_init(), curl_multi_cleanup);
  if (!h || !m) {
    reply.end = Reply::End::kTransport;
    reply.transport_error = "libcurl could not start";
    return reply;
  }
  curl_slist* list = nullptr;
  for (const auto& [k, v] : x.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
  Sink sink;
  sink.h = h.get();
  sink.reply = &reply;
  sink.on_event = &on_event;
  sink.last_byte = Clock::now();
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* e = h.get();
  curl_easy_setopt(e, CURLOPT_URL, x.url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, x.body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(x.body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(x.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(x.total_timeout_ms));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &sink);
  curl_multi_add_handle(m.get(), e);

  bool aborted = false, idle = false;
  CURLcode rc = CURLE_OK;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(m.get(), &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    if (running == 0) {
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(m.get(), &left))
        if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
      break;
    }
    if (cb.keep_going && !cb.keep_going()) {
      aborted = true;
      break;
    }
    if (Clock::now() - sink.last_byte > std::chrono::milliseconds(x.idle_timeout_ms)) {
      idle = true;
      break;
    }
    curl_multi_poll(m.get(), nullptr, 0, 50, nullptr);
  }
  curl_multi_remove_handle(m.get(), e);  // closes the connection of an unfinished transfer
  if (reply.status == 0) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
  }
  if (sink.stopped) {
    reply.end = Reply::End::kStopped;
  } else if (sink.too_large) {
    reply.end = Reply::End::kTooLarge;
  } else if (aborted) {
    reply.end = Reply::End::kAborted;
  } else if (idle || rc == CURLE_OPERATION_TIMEDOUT) {
    reply.end = Reply::End::kTimeout;
  } else if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && sink.error_body_full)) {
    reply.end = Reply::End::kDone;
  } else {
    reply.end = Reply::End::kTransport;
    std::string detail = curl_easy_strerror(rc);
    if (errbuf[0] != '\0') detail += std::string(": ") + errbuf;
    if (const size_t q = detail.find('?'); q != std::string::npos) detail = detail.substr(0, q);
    reply.transport_error = detail;
  }
  return reply;
}

void finish(Result& out, const Reply& reply, const StreamState& st, const std::string& api_key,
            const std::vector<std::string>& length_stops, const std::string& end_marker) {
  auto fail = [&](const char* failure, std::string message, bool retryable) {
    out.complete = false;
    out.failure = failure;
    out.message = scrub(std::move(message), api_key);
    out.retryable = retryable;
  };
  out.status = reply.status;
  const bool ok_status = reply.status >= 200 && reply.status <= 299;
  if (st.aborted || reply.end == Reply::End::kAborted) return fail("aborted", "the request was abandoned", false);
  if (reply.status == 0) {
    if (reply.end == Reply::End::kTimeout) return fail("timeout", "no answer from " + reply.where + " in time", true);
    return fail("transport", "no answer from " + reply.where + " (" + reply.transport_error + ")", true);
  }
  if (!ok_status) {
    // A timeout while an error body trickled in still has its status.
    out.complete = false;
    return classify_http(out, reply, api_key);
  }
  if (st.stream_error) {
    out.error_type = st.error_type;
    return fail("stream_error",
                reply.where + " reported an error mid-stream: " + (st.error_type.empty() ? "" : st.error_type + ": ") +
                    st.error_message,
                retryable_stream_error(st.error_type));
  }
  if (!st.malformed.empty()) return fail("malformed", reply.where + " sent a stream glint cannot read: " + st.malformed, false);
  if (reply.end == Reply::End::kTooLarge) return fail("malformed", reply.where + " sent an event over the size limit", false);
  if (!st.saw_end) {
    const std::string type = reply.header("content-type");
    if (reply.end == Reply::End::kDone && reply.events == 0 && type.find("event-stream") == std::string::npos)
      return fail("malformed", reply.where + " answered 200 with " + (type.empty() ? "no content type" : type) + ", not an event stream", false);
    if (reply.end == Reply::End::kTimeout) return fail("timeout", "the stream from " + reply.where + " stalled or ran out of time", true);
    return fail("cut", "the stream from " + reply.where + " ended before " + end_marker, true);
  }
  if (std::find(length_stops.begin(), length_stops.end(), out.stop_reason) != length_stops.end())
    return fail("length", "the answer was cut at the token limit (" + out.stop_reason + ")", false);
  out.complete = true;
  out.failure.clear();
  out.message.clear();
  out.retryable = false;
}

}  // namespace detail
}  // namespace glint::connectors::llm
