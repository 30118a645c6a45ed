package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"io"
	"os"
	"time"
)

// packTarGz writes a ustar-compatible (PAX where needed) tar, gzipped with
// an empty header name and time, so only the entries decide the bytes.
func packTarGz(w io.Writer, entries []entry, when time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := addTar(tw, e, when); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func addTar(tw *tar.Writer, e entry, when time.Time) error {
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     e.name,
		Size:     fi.Size(),
		Mode:     mode(e),
		ModTime:  when,
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// packZip writes a zip whose entries carry the fixed time (as UTC, no
// extended timestamp field) and Unix modes, deflated at the best level.
func packZip(w io.Writer, entries []entry, when time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, e := range entries {
		if err := addZip(zw, e, when); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addZip(zw *zip.Writer, e entry, when time.Time) error {
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: when}
	hdr.SetMode(os.FileMode(mode(e)))
	dst, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, f)
	return err
}
