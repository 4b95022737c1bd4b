package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// JPEG markers the metadata code cares about.
const (
	markerSOI  = 0xD8
	markerEOI  = 0xD9
	markerSOS  = 0xDA
	markerAPP0 = 0xE0
	markerAPP1 = 0xE1
	markerAPP2 = 0xE2
	markerAPPE = 0xEE // Adobe: colour transform of CMYK/YCCK files
	markerCOM  = 0xFE
)

const tagOrientation = 0x0112

var errBadJPEG = errors.New("media: malformed JPEG segments")

// jpegSegment is one marker segment before the scan data.
type jpegSegment struct {
	marker byte
	data   []byte // payload without the marker and length bytes
	raw    []byte // the whole segment, marker included
}

// jpegSegments splits data into its header segments and the rest (from SOS
// on, copied verbatim). It only reads; payload slices alias data.
func jpegSegments(data []byte) (segs []jpegSegment, rest []byte, err error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != markerSOI {
		return nil, nil, errBadJPEG
	}
	i := 2
	for {
		if i+4 > len(data) || data[i] != 0xFF {
			return nil, nil, errBadJPEG
		}
		// Fill bytes (0xFF 0xFF ...) may pad markers.
		for i+1 < len(data) && data[i+1] == 0xFF {
			i++
		}
		if i+4 > len(data) {
			return nil, nil, errBadJPEG
		}
		m := data[i+1]
		if m == markerSOS || m == markerEOI {
			return segs, data[i:], nil
		}
		if m >= 0xD0 && m <= 0xD7 || m == 0x01 {
			// Standalone markers carry no length.
			segs = append(segs, jpegSegment{marker: m, raw: data[i : i+2]})
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, nil, errBadJPEG
		}
		segs = append(segs, jpegSegment{marker: m, data: data[i+4 : i+2+n], raw: data[i : i+2+n]})
		i += 2 + n
	}
}

// jpegOrientation returns the EXIF orientation (1..8) of a JPEG, 1 when it
// has none or it cannot be read: a damaged EXIF block must not stop an
// upload that decodes fine.
func jpegOrientation(data []byte) int {
	segs, _, err := jpegSegments(data)
	if err != nil {
		return 1
	}
	for _, s := range segs {
		if s.marker == markerAPP1 && bytes.HasPrefix(s.data, []byte("Exif\x00\x00")) {
			return exifOrientation(s.data[6:])
		}
	}
	return 1
}

// exifOrientation reads tag 0x0112 from IFD0 of a TIFF-structured EXIF
// block, with bounds checks on every offset.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(tiff[2:]) != 42 {
		return 1
	}
	ifd := int64(bo.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 1
	}
	n := int64(bo.Uint16(tiff[ifd:]))
	for e := range n {
		off := ifd + 2 + e*12
		if off+12 > int64(len(tiff)) {
			return 1
		}
		if bo.Uint16(tiff[off:]) != tagOrientation {
			continue
		}
		// Type 3 is SHORT, count 1: the value sits in the first two bytes
		// of the value field.
		if bo.Uint16(tiff[off+2:]) != 3 || bo.Uint32(tiff[off+4:]) != 1 {
			return 1
		}
		if v := int(bo.Uint16(tiff[off+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orientationAPP1 is a minimal EXIF segment holding only the orientation,
// so a stripped original still displays upright.
func orientationAPP1(o int) []byte {
	tiff := []byte{
		'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation SHORT 1
		0, 0, 0, 0, // no next IFD
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, markerAPP1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// stripJPEG drops every metadata segment (EXIF with its GPS block and
// embedded thumbnail, XMP, IPTC, comments, vendor APPn) without touching
// the compressed image, keeping what decoding needs: JFIF (APP0), the ICC
// profile (APP2) and Adobe's colour transform (APP14). A non-default
// orientation is written back as a one-tag EXIF segment. On malformed
// input it returns an error and the caller must not publish the file.
func stripJPEG(data []byte, orientation int) ([]byte, error) {
	segs, rest, err := jpegSegments(data)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, markerSOI)
	inserted := orientation == 1
	for _, s := range segs {
		keep := s.marker < markerAPP0 || // SOF, DHT, DQT, DRI, ...
			s.marker == markerAPP0 || s.marker == markerAPPE ||
			(s.marker == markerAPP2 && bytes.HasPrefix(s.data, []byte("ICC_PROFILE\x00")))
		if !keep {
			continue
		}
		if !inserted && s.marker != markerAPP0 {
			out = append(out, orientationAPP1(orientation)...)
			inserted = true
		}
		out = append(out, s.raw...)
	}
	if !inserted {
		out = append(out, orientationAPP1(orientation)...)
	}
	return append(out, rest...), nil
}

// pngDropChunks are the ancillary chunks that carry text or EXIF (and so
// possibly GPS, names, software): none is needed to render the image.
var pngDropChunks = map[string]bool{"tEXt": true, "zTXt": true, "iTXt": true, "eXIf": true, "tIME": true}

var errBadPNG = errors.New("media: malformed PNG chunks")

// stripPNG removes text, EXIF and time chunks, copying every other chunk
// byte for byte (the pixels are not re-encoded).
func stripPNG(data []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, errBadPNG
	}
	out := make([]byte, 0, len(data))
	out = append(out, sig...)
	for i := len(sig); i < len(data); {
		if i+12 > len(data) {
			return nil, errBadPNG
		}
		n := int64(binary.BigEndian.Uint32(data[i:]))
		end := int64(i) + 12 + n
		if end > int64(len(data)) {
			return nil, errBadPNG
		}
		typ := string(data[i+4 : i+8])
		if crc32.ChecksumIEEE(data[i+4:end-4]) != binary.BigEndian.Uint32(data[end-4:]) {
			return nil, errBadPNG
		}
		if !pngDropChunks[typ] {
			out = append(out, data[i:end]...)
		}
		i = int(end)
		if typ == "IEND" {
			break
		}
	}
	return out, nil
}

var errBadWebP = errors.New("media: malformed WebP chunks")

// stripWebP removes the EXIF and XMP chunks of an extended WebP and clears
// their flags in VP8X, copying every other chunk (and so the pixels) byte
// for byte.
func stripWebP(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, errBadWebP
	}
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	for i := 12; i < len(data); {
		if i+8 > len(data) {
			return nil, errBadWebP
		}
		n := int64(binary.LittleEndian.Uint32(data[i+4:]))
		end := int64(i) + 8 + n + n%2 // chunks are padded to even sizes
		if end > int64(len(data)) {
			if end-1 == int64(len(data)) && n%2 == 1 {
				end-- // tolerate a missing final pad byte
			} else {
				return nil, errBadWebP
			}
		}
		chunk := data[i:end]
		switch string(chunk[:4]) {
		case "EXIF", "XMP ":
			// dropped
		case "VP8X":
			start := len(out)
			out = append(out, chunk...)
			if len(chunk) > 8 {
				out[start+8] &^= 0x08 | 0x04 // EXIF and XMP present flags
			}
		default:
			out = append(out, chunk...)
		}
		i = int(end)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}
