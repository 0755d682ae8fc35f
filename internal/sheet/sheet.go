// Package sheet reads the spreadsheets people upload (.xlsx and .csv) and writes the Excel
// exports of list pages. Reading is defensive: size, row and column limits, zip-bomb checks,
// a header row found wherever it is in the first rows, full-width characters folded, blank
// rows skipped, extra columns ignored, and every data row kept with its line number so that
// an import can name each bad row. Writing neutralises spreadsheet formulas in cells that came
// from users.
package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"xiangpei"
)

// Limits bound what a read accepts.
type Limits struct {
	MaxBytes    int64 // size of the uploaded file
	MaxUnzipped int64 // total size of an .xlsx's parts once unzipped
	MaxRatio    int64 // largest unzipped/zipped ratio of any part of an .xlsx
	MaxRows     int   // data rows
	MaxCols     int   // columns of any row
}

// DefaultLimits suit a roster or a day's attendance file: 10 MiB, 100 MiB unzipped, a
// compression ratio of at most 100, 20,000 rows, 64 columns.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 10 << 20, MaxUnzipped: 100 << 20, MaxRatio: 100, MaxRows: 20000, MaxCols: 64}
}

// Kind says how a column's cells are read.
type Kind int

// Column kinds.
const (
	Text   Kind = iota // as typed; a number is written out in full
	Number             // an ID or phone number: a number cell is written out in full, and one that lost digits is marked
	Time               // a date and time: an Excel serial number is converted; text is left for ParseTime
)

// Column is one column an import expects, found by any of its names in the header row.
type Column struct {
	Key      string   // the key of the column in Row.Values
	Names    []string // header texts that name it (Chinese and English); compared after folding
	Required bool     // the header row must have it
	Kind     Kind
}

// Row is one data row: its line in the file (1-based, as a spreadsheet program shows it) and
// the value of each expected column, folded and trimmed.
type Row struct {
	Line   int
	Values map[string]string
	Lossy  map[string]bool // Number columns whose cell was a number too long to keep every digit
}

// Table is what a read finds: the line of the header row and the data rows after it.
type Table struct {
	HeaderLine int
	Rows       []Row
}

// Errors a read returns; each has a message a person can act on.
var (
	ErrTooLarge  = xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_large", "The file is too large.")
	errFormat    = xiangpei.Errorf(xiangpei.Invalid, "sheet.format", "This file is not an Excel workbook (.xlsx) or a CSV file. Save it as .xlsx or .csv and try again.")
	errEmpty     = xiangpei.Errorf(xiangpei.Invalid, "sheet.empty", "The file has no rows.")
	errZipBomb   = xiangpei.Errorf(xiangpei.TooLarge, "sheet.zip_bomb", "The workbook unpacks to far more data than a roster or attendance file holds, so it was refused. Save it again from the spreadsheet program.")
	errEncrypted = xiangpei.Errorf(xiangpei.Invalid, "sheet.unreadable", "The workbook cannot be read. If it has a password, remove it and save again.")
)

func errTooManyRows(max int) error {
	return xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_rows", "The file has more than %v rows. Split it into smaller files.", max)
}

func errTooManyCols(max int) error {
	return xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_cols", "The file has more than %v columns. Keep only the columns of the template.", max)
}

func errNoHeader(names string) error {
	return xiangpei.Errorf(xiangpei.Invalid, "sheet.no_header", "No header row with the columns %v was found in the first 20 rows. Use the template's header.", names)
}

// Read reads an .xlsx (its first sheet) or a .csv file (UTF-8, with or without a byte-order
// mark, or GB18030 as saved by Chinese Excel), finds the header row among the first 20 rows,
// and returns the data rows after it. The name's extension decides the format when the
// content does not (an .xlsx starts with the zip signature).
func Read(r io.Reader, name string, lim Limits, cols []Column) (Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return Table{}, err
	}
	if int64(len(data)) > lim.MaxBytes {
		return Table{}, ErrTooLarge
	}
	if len(data) == 0 {
		return Table{}, errEmpty
	}
	var rows func(yield func(line int, cells []string) error) error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		rows, err = xlsxRows(data, lim)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return Table{}, xiangpei.Errorf(xiangpei.Invalid, "sheet.xls", "This is an old Excel file (.xls). Open it and save it as .xlsx, then try again.")
	default:
		if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
			return Table{}, errFormat
		}
		rows, err = csvRows(data)
	}
	if err != nil {
		return Table{}, err
	}
	t, err := table(rows, lim, cols)
	if err != nil && xiangpei.ErrorKind(err) == xiangpei.Internal {
		return Table{}, errEncrypted // a workbook's XML that does not parse: unreadable, not a fault of ours
	}
	return t, err
}

// table finds the header and collects the data rows.
func table(rows func(yield func(line int, cells []string) error) error, lim Limits, cols []Column) (Table, error) {
	var t Table
	var index map[string]int // key → cell position
	stop := errors.New("stop")
	var failed error
	err := rows(func(line int, cells []string) error {
		if len(cells) > lim.MaxCols {
			failed = errTooManyCols(lim.MaxCols)
			return stop
		}
		if index == nil {
			if line > 20 {
				failed = errNoHeader(requiredNames(cols))
				return stop
			}
			index = headerIndex(cells, cols)
			if index != nil {
				t.HeaderLine = line
			}
			return nil
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(Fold(c)) != "" {
				blank = false
				break
			}
		}
		if blank {
			return nil
		}
		if len(t.Rows) >= lim.MaxRows {
			failed = errTooManyRows(lim.MaxRows)
			return stop
		}
		row := Row{Line: line, Values: make(map[string]string, len(cols))}
		for _, c := range cols {
			i, ok := index[c.Key]
			if !ok || i >= len(cells) {
				continue
			}
			v, lossy := cellValue(cells[i], c.Kind)
			row.Values[c.Key] = v
			if lossy {
				if row.Lossy == nil {
					row.Lossy = map[string]bool{}
				}
				row.Lossy[c.Key] = true
			}
		}
		t.Rows = append(t.Rows, row)
		return nil
	})
	if failed != nil {
		return Table{}, failed
	}
	if err != nil {
		return Table{}, err
	}
	if index == nil {
		return Table{}, errNoHeader(requiredNames(cols))
	}
	return t, nil
}

func requiredNames(cols []Column) string {
	var names []string
	for _, c := range cols {
		if c.Required && len(c.Names) > 0 {
			names = append(names, "“"+c.Names[0]+"”")
		}
	}
	return strings.Join(names, "、")
}

// headerIndex maps the expected columns to cell positions when the row holds every required
// column's name; otherwise nil.
func headerIndex(cells []string, cols []Column) map[string]int {
	index := map[string]int{}
	for i, cell := range cells {
		h := headerKey(cell)
		if h == "" {
			continue
		}
		for _, c := range cols {
			if _, done := index[c.Key]; done {
				continue
			}
			for _, n := range c.Names {
				if headerKey(n) == h {
					index[c.Key] = i
					break
				}
			}
		}
	}
	for _, c := range cols {
		if _, ok := index[c.Key]; c.Required && !ok {
			return nil
		}
	}
	return index
}

// headerKey folds a header text for comparison: full-width to half-width, no spaces, no
// asterisks marking required columns, no parenthesised notes, lower case.
func headerKey(s string) string {
	s = Fold(s)
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '*', '\t', '\n', '\r':
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// Fold turns full-width ASCII characters and the ideographic space into their ordinary forms
// and trims the result, so that "４３０２１１…" and "430211…" read the same.
func Fold(s string) string {
	if isPlainASCII(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000 || r == 0x00A0:
			r = ' '
		case r == 0xFEFF || r == 0x200B:
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var (
	sciNumber = regexp.MustCompile(`^[+-]?\d+(\.\d+)?[eE][+-]?\d+$`)
	decNumber = regexp.MustCompile(`^[+-]?\d+\.\d+$`)
)

// cellValue folds a cell and, for Number columns, writes a number cell out in full digits;
// lossy is true when the number's last digits are already gone: it had more digits than a
// spreadsheet keeps (15), or it came in scientific notation with fewer significant digits
// than the number has (Excel saves a CSV as the cells show, and a narrow column shows an ID
// number as 4.30211E+17 — the rest is lost).
func cellValue(raw string, k Kind) (v string, lossy bool) {
	v = Fold(raw)
	switch k {
	case Number:
		if sciNumber.MatchString(v) || decNumber.MatchString(v) {
			f, _, err := big.ParseFloat(v, 10, 200, big.ToNearestEven)
			if err == nil && f.IsInt() {
				i, _ := f.Int(nil)
				digits := strings.TrimLeft(i.String(), "-")
				cut := sciNumber.MatchString(v) && significant(v) < len(digits)
				return i.String(), len(digits) > 15 || cut
			}
		}
		return v, false
	case Time:
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && f < 2958466 {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Round(time.Second).Format("2006-01-02 15:04:05"), false
			}
		}
	}
	return v, false
}

// significant counts the significant digits of a number in scientific notation's mantissa.
func significant(v string) int {
	m, _, _ := strings.Cut(strings.ToLower(v), "e")
	m = strings.TrimLeft(strings.NewReplacer("+", "", "-", "", ".", "").Replace(m), "0")
	return len(m)
}

// ParseTime reads a date and time as people and terminals write them, in China time:
// 2026-11-02 09:00:05, 2026/11/2 9:00, 2026年11月2日 09:00, or RFC 3339 with a zone.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(Fold(s))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-", "T", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range []string{"2006-1-2 15:4:5", "2006-1-2 15:4"} {
		if t, err := time.ParseInLocation(layout, s, xiangpei.ChinaTime); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// xlsxRows checks the workbook's zip directory against the limits before anything is
// unpacked, then streams the rows of the first sheet with raw cell values.
func xlsxRows(data []byte, lim Limits) (func(yield func(int, []string) error) error, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errFormat
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return nil, errZipBomb
		}
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio) && f.UncompressedSize64 > 1<<20 {
			return nil, errZipBomb
		}
	}
	xf, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: min(lim.MaxUnzipped, 16<<20)})
	if err != nil {
		if strings.Contains(err.Error(), "size") {
			return nil, errZipBomb
		}
		return nil, errEncrypted
	}
	sheets := xf.GetSheetList()
	if len(sheets) == 0 {
		xf.Close()
		return nil, errEmpty
	}
	return func(yield func(int, []string) error) error {
		defer xf.Close()
		rows, err := xf.Rows(sheets[0])
		if err != nil {
			return errEncrypted
		}
		defer rows.Close()
		line := 0
		for rows.Next() {
			line++
			if line > lim.MaxRows+21 {
				return errTooManyRows(lim.MaxRows)
			}
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return errEncrypted
			}
			if err := yield(line, cells); err != nil {
				return err
			}
		}
		return rows.Error()
	}, nil
}

// csvRows decodes a CSV file: UTF-8 (a byte-order mark is dropped) or, when the bytes are not
// UTF-8, GB18030. Rows may have different numbers of fields.
func csvRows(data []byte) (func(yield func(int, []string) error) error, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, errFormat
		}
		data = dec
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errFormat
	}
	return func(yield func(int, []string) error) error {
		cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = false
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return nil
			}
			line, _ := cr.FieldPos(0)
			if err != nil {
				return xiangpei.Errorf(xiangpei.Invalid, "sheet.csv", "Line %v of the CSV file cannot be read: check its quotation marks.", line)
			}
			if err := yield(line, rec); err != nil {
				return err
			}
		}
	}, nil
}
