#include "repl/line_editor.h"

#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <climits>
#include <cwchar>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "repl/completion.h"
#include "repl/session.h"

namespace vlac::repl {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_prompt_sigint(int) { g_interrupted = 1; }

int terminal_columns() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

struct LineEditor::Impl {
  Session& session;
  std::string history_path;
  EditLine* el = nullptr;
  History* hist = nullptr;
  HistEvent ev{};
  std::string prompt;
  struct sigaction old_sigint {};
  sigset_t wait_mask{};  // the signal mask while waiting for a key: SIGINT let through
  int in_fd = -1;        // the terminal, opened anew with O_NONBLOCK (-1: read standard input)
  bool history_dir_made = false;

  Impl(Session& s, std::string path) : session(s), history_path(std::move(path)) {}

  static char* prompt_fn(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return const_cast<char*>(static_cast<Impl*>(data)->prompt.c_str());
  }

  /// Reads one character for libedit. SIGINT is blocked while el_gets runs and let through
  /// only while this waits for a key (ppoll), so a Ctrl-C that comes at any moment of el_gets
  /// ends it at once instead of being lost before the read. The read itself never blocks (the
  /// terminal is read through a descriptor of its own with O_NONBLOCK): Ctrl-C flushes typed
  /// input, so a key that ppoll saw may be gone by the time of the read.
  static int getc_fn(EditLine* el, wchar_t* wc) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    Impl* self = static_cast<Impl*>(data);
    char buf[MB_LEN_MAX];
    size_t n = 0;
    while (true) {
      if (g_interrupted) {
        errno = EINTR;
        return -1;
      }
      pollfd p{self->in_fd >= 0 ? self->in_fd : STDIN_FILENO, POLLIN, 0};
      if (ppoll(&p, 1, nullptr, &self->wait_mask) < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      ssize_t k = ::read(self->in_fd >= 0 ? self->in_fd : STDIN_FILENO, buf + n, 1);
      if (k < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return -1;
      }
      if (k == 0) return 0;
      ++n;
      std::mbstate_t state{};
      size_t m = std::mbrtowc(wc, buf, n, &state);
      if (m == static_cast<size_t>(-2) && n < sizeof buf) continue;  // more bytes of one character
      if (m == static_cast<size_t>(-1) || m == static_cast<size_t>(-2)) *wc = static_cast<unsigned char>(buf[0]);
      return 1;
    }
  }

  /// Tab: completes the word before the cursor; when several candidates share nothing more,
  /// lists them under the line.
  static unsigned char complete_fn(EditLine* el, int) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    Impl* self = static_cast<Impl*>(data);
    const LineInfo* li = el_line(el);
    std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
    Completions c = complete(self->session.catalog(), self->session.pending_text(), before);
    if (c.candidates.empty()) return CC_ERROR;
    std::string replacement = c.candidates.size() == 1 ? c.candidates[0] : common_prefix(c.candidates);
    if (c.candidates.size() == 1 && c.add_space) replacement += ' ';
    if (replacement.size() > c.word.size() || (c.candidates.size() == 1 && replacement != c.word)) {
      el_deletestr(el, static_cast<int>(c.word.size()));
      el_insertstr(el, replacement.c_str());
      return CC_REFRESH;
    }
    if (c.candidates.size() == 1) return CC_REFRESH;
    // List the candidates in columns.
    size_t width = 0;
    for (const std::string& s : c.candidates) width = std::max(width, s.size());
    width += 2;
    size_t per_line = std::max<size_t>(1, static_cast<size_t>(terminal_columns()) / width);
    size_t rows = (c.candidates.size() + per_line - 1) / per_line;
    std::fputc('\n', stdout);
    for (size_t r = 0; r < rows; ++r) {
      std::string line;
      for (size_t col = 0; col < per_line; ++col) {
        size_t i = col * rows + r;
        if (i >= c.candidates.size()) break;
        line += c.candidates[i];
        if (col + 1 < per_line && (col + 1) * rows + r < c.candidates.size())
          line.append(width - c.candidates[i].size(), ' ');
      }
      std::fprintf(stdout, "%s\n", line.c_str());
    }
    std::fflush(stdout);
    return CC_REDISPLAY;
  }
};

LineEditor::LineEditor(Session& session, std::string history_path) : impl_(new Impl(session, std::move(history_path))) {
  // Ctrl-C at the prompt: libedit (EL_SIGNAL) restores the terminal and passes the signal on to
  // this handler, and el_gets returns; the caller clears the line.
  struct sigaction sa {};
  sa.sa_handler = on_prompt_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &impl_->old_sigint);

  impl_->in_fd = ::open("/proc/self/fd/0", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (impl_->in_fd < 0) {
    if (const char* tty = ttyname(STDIN_FILENO)) impl_->in_fd = ::open(tty, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  }

  impl_->hist = history_init();
  history(impl_->hist, &impl_->ev, H_SETSIZE, 1000);
  history(impl_->hist, &impl_->ev, H_SETUNIQUE, 1);
  if (!impl_->history_path.empty()) history(impl_->hist, &impl_->ev, H_LOAD, impl_->history_path.c_str());

  impl_->el = el_init("vlac", stdin, stdout, stderr);
  el_set(impl_->el, EL_CLIENTDATA, static_cast<void*>(impl_));
  el_set(impl_->el, EL_EDITOR, "emacs");
  el_set(impl_->el, EL_SIGNAL, 1);
  el_set(impl_->el, EL_PROMPT, &Impl::prompt_fn);
  el_set(impl_->el, EL_GETCFN, &Impl::getc_fn);
  el_set(impl_->el, EL_HIST, history, impl_->hist);
  el_set(impl_->el, EL_ADDFN, "vlac-complete", "complete a keyword, stream, column or command", &Impl::complete_fn);
  el_set(impl_->el, EL_BIND, "^I", "vlac-complete", nullptr);
  el_source(impl_->el, nullptr);  // ~/.editrc, for people who keep one
}

LineEditor::~LineEditor() {
  el_end(impl_->el);
  history_end(impl_->hist);
  sigaction(SIGINT, &impl_->old_sigint, nullptr);
  if (impl_->in_fd >= 0) ::close(impl_->in_fd);
  delete impl_;
}

LineEditor::Result LineEditor::read(const std::string& prompt, std::string* line) {
  impl_->prompt = prompt;
  g_interrupted = 0;
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  impl_->wait_mask = old;
  sigdelset(&impl_->wait_mask, SIGINT);
  int count = 0;
  errno = 0;
  const char* s = el_gets(impl_->el, &count);
  const int read_errno = errno;
  if (s && count > 0) line->assign(s, static_cast<size_t>(count));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (s && count > 0) return Result::Line;
  if (g_interrupted || (count < 0 && read_errno == EINTR)) return Result::Interrupted;
  return Result::EndOfInput;
}

void LineEditor::remember(const std::string& entry) {
  if (entry.find_first_not_of(" \t\r\n") == std::string::npos) return;
  history(impl_->hist, &impl_->ev, H_ENTER, entry.c_str());
  if (impl_->history_path.empty()) return;
  if (!impl_->history_dir_made) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(impl_->history_path).parent_path(), ec);
    impl_->history_dir_made = true;
  }
  history(impl_->hist, &impl_->ev, H_SAVE, impl_->history_path.c_str());  // a failure is not fatal
}

}  // namespace vlac::repl
