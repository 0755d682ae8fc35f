package sheet

import (
	"fmt"
	"io"
	"net/url"
	"time"
	"xiangpei"

	"github.com/xuri/excelize/v2"
)

// Safe neutralises a text that a spreadsheet program would take for a formula (it starts with
// =, +, -, @, or a tab or carriage return before one): it gets a leading apostrophe, so the
// cell shows the text instead of running it (QUALITY §3).
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Write writes one sheet as an .xlsx workbook: a bold header row, then the rows. Strings are
// neutralised with Safe and written as text, so long ID numbers keep every digit; integers
// and floats stay numbers; times are written in China time as text "2006-01-02 15:04".
func Write(w io.Writer, sheetName string, header []string, rows [][]any) error {
	return WriteWith(w, sheetName, header, rows, Options{})
}

// Options shape a written sheet beyond its cells.
type Options struct {
	// TextCols are columns (1-based) formatted as text (number format "@"), so that what people
	// type into them later keeps every digit: an import template's ID number column.
	TextCols []int
	// Widths are column widths by column (1-based), in characters.
	Widths map[int]float64
}

// WriteWith is Write with options.
func WriteWith(w io.Writer, sheetName string, header []string, rows [][]any, o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	isText := map[int]bool{}
	for _, c := range o.TextCols {
		isText[c] = true
		if err := sw.SetColStyle(c, c, text); err != nil {
			return err
		}
	}
	for c, width := range o.Widths {
		if err := sw.SetColWidth(c, c, width); err != nil {
			return err
		}
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range rows {
		out := make([]any, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case string:
				out[j] = Safe(x)
				if isText[j+1] {
					out[j] = excelize.Cell{StyleID: text, Value: Safe(x)}
				}
			case time.Time:
				if x.IsZero() {
					out[j] = ""
				} else {
					out[j] = x.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
				}
			case int, int64, int32, float64, bool:
				out[j] = x
			case nil:
				out[j] = ""
			default:
				out[j] = Safe(fmt.Sprint(x))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, out); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// ContentType is the media type of an .xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Disposition is the Content-Disposition of a downloaded workbook named name (ASCII only, to
// suit every browser) with a UTF-8 name for those that read it.
func Disposition(ascii, utf8Name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(utf8Name))
}
