package authguard

import (
	"errors"
	"path/filepath"
	"runtime"
)

// DefaultPath is the state file in the user's cache folder, found
// like os.UserCacheDir but through getenv so tests can place it:
// $XDG_CACHE_HOME/smtpspec or ~/.cache/smtpspec on Linux and BSD,
// ~/Library/Caches/smtpspec on macOS, %LocalAppData%\smtpspec on Windows.
// SMTPSPEC_CACHE_DIR, if set, names the folder itself.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("SMTPSPEC_CACHE_DIR"); d != "" {
		return filepath.Join(d, File), nil
	}
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			base = filepath.Join(h, "Library", "Caches")
		}
	default:
		base = getenv("XDG_CACHE_HOME")
		if !filepath.IsAbs(base) {
			base = ""
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, ".cache")
			}
		}
	}
	if base == "" {
		return "", errors.New("no cache folder: set HOME, XDG_CACHE_HOME or SMTPSPEC_CACHE_DIR")
	}
	return filepath.Join(base, "smtpspec", File), nil
}
