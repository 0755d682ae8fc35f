package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"xiangpei"
)

// The fixtures in testdata were made once by spreadsheet programs, not by the library that
// reads them (see testdata/README.md): LibreOffice 7.4 converted roster_mixed.fods and
// roster_plain.csv to .xlsx; roster_excel_gb18030.csv is a CSV as Chinese Excel saves it.
// The tests only read them.

var rosterCols = []Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "ID number"}, Required: true, Kind: Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "phone", Names: []string{"手机号", "Mobile"}, Kind: Number},
	{Key: "note", Names: []string{"备注", "Note"}},
}

func readFile(t *testing.T, name string, lim Limits) (Table, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f, name, lim, rosterCols)
}

type want struct {
	line   int
	values map[string]string
	lossy  map[string]bool
}

func checkTable(t *testing.T, tb Table, header int, rows []want) {
	t.Helper()
	if tb.HeaderLine != header {
		t.Errorf("header on line %d, want %d", tb.HeaderLine, header)
	}
	if len(tb.Rows) != len(rows) {
		for _, r := range tb.Rows {
			t.Logf("line %d %q lossy %v", r.Line, r.Values, r.Lossy)
		}
		t.Fatalf("%d rows, want %d", len(tb.Rows), len(rows))
	}
	for i, w := range rows {
		r := tb.Rows[i]
		if r.Line != w.line {
			t.Errorf("row %d on line %d, want %d", i, r.Line, w.line)
		}
		for k, v := range w.values {
			if r.Values[k] != v {
				t.Errorf("line %d %s = %q, want %q", r.Line, k, r.Values[k], v)
			}
		}
		if len(r.Lossy) != len(w.lossy) || (len(w.lossy) > 0 && !reflect.DeepEqual(r.Lossy, w.lossy)) {
			t.Errorf("line %d lossy %v, want %v", r.Line, r.Lossy, w.lossy)
		}
	}
}

// TestReadLibreOfficeWorkbook reads a roster saved by LibreOffice: a title row and a blank
// row above the header, an extra column, ID numbers stored as text and as numbers, a 15-digit
// legacy number stored as a number, full-width digits and letters, a lower-case x, blank rows
// (one of spaces and an ideographic space).
func TestReadLibreOfficeWorkbook(t *testing.T) {
	tb, err := readFile(t, "roster_mixed.xlsx", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, tb, 3, []want{
		{4, map[string]string{"id": "430211199003151236", "name": "张三", "phone": "13807330001", "note": "上午班"}, nil},
		{5, map[string]string{"name": "李四", "phone": "13807330002"}, map[string]bool{"id": true}},
		{7, map[string]string{"id": "430211750808123", "name": "王五"}, nil},
		{8, map[string]string{"id": "430211199201017898", "name": "赵六", "phone": "13807330004", "note": "AB班"}, nil},
		{9, map[string]string{"id": "43021119880808104x", "name": "孙七", "phone": "138 0733 0005"}, nil},
		{11, map[string]string{"id": "430211198909097770", "name": "周八"}, nil},
		{12, map[string]string{"id": "430211199003151236", "name": "张三", "note": "重复"}, nil},
		{13, map[string]string{"id": "430211201201011111", "name": "吴九"}, nil},
		{14, map[string]string{"id": "430211198707072224", "name": ""}, nil},
		{15, map[string]string{"id": "430211199505053337", "name": "陈十", "phone": ""}, nil},
	})
	// The lossy number is still written out in full digits, so the message can show it.
	if v := tb.Rows[1].Values["id"]; len(v) != 18 || v == "430211198506204569" {
		t.Errorf("lossy ID read as %q", v)
	}
	// A legacy 15-digit number keeps every digit and upgrades to its 18-digit form.
	if id, err := xiangpei.ParseIDNumber(tb.Rows[2].Values["id"], testToday); err != nil || id != "430211197508081238" {
		t.Errorf("legacy number: %v %v", id, err)
	}
}

// TestReadNumbersTheProgramMade: a CSV typed by hand and opened in LibreOffice, which turned
// the digit strings into numbers (18 digits: lossy; 15 digits: exact) and kept the ID ending
// in X as text; the header is on row 1 and one row has no note cell at all.
func TestReadNumbersTheProgramMade(t *testing.T) {
	tb, err := readFile(t, "roster_plain.xlsx", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, tb, 1, []want{
		{2, map[string]string{"name": "魏一", "phone": "13807330011"}, map[string]bool{"id": true}},
		{3, map[string]string{"id": "43021119880808104X", "name": "孙七", "note": "晚班"}, nil},
		{4, map[string]string{"id": "430211750808123", "name": "王五"}, nil},
	})
}

// TestReadExcelCSV reads a CSV as Chinese Excel saves it: GB18030, CRLF, an empty row of
// commas, and an ID number and a phone saved as the narrow column showed them (4.30211E+17),
// which lost their digits.
func TestReadExcelCSV(t *testing.T) {
	tb, err := readFile(t, "roster_excel_gb18030.csv", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, tb, 1, []want{
		{2, map[string]string{"id": "430211199404046664", "name": "褚一", "note": "夜班", "phone": "13807330021"}, nil},
		{3, map[string]string{"name": "卫二"}, map[string]bool{"id": true, "phone": true}},
		{5, map[string]string{"id": "430211199309095556", "name": "冯三", "note": "“全角”备注"}, nil},
	})
}

var testToday = time.Date(2026, 11, 2, 9, 0, 0, 0, xiangpei.ChinaTime)

// TestCellValue: how number cells become digits, and when their digits are known lost.
func TestCellValue(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		kind  Kind
		want  string
		lossy bool
	}{
		{"430211199003151236", Number, "430211199003151236", false}, // text keeps every digit
		{"4.30211199003151E+17", Number, "430211199003151000", true},
		{"4.3021119900315123E+17", Number, "430211199003151230", true},
		{"4.30211E+17", Number, "430211000000000000", true},
		{"430211750808123", Number, "430211750808123", false},
		{"1.3807330001E+10", Number, "13807330001", false},
		{"1.38073E+10", Number, "13807300000", true},
		{"13807330001.0", Number, "13807330001", false},
		{"１３８０７３３０００１", Number, "13807330001", false},
		{" 43021119880808104x ", Number, "43021119880808104x", false},
		{"4.5", Number, "4.5", false},
		{"=1+1", Text, "=1+1", false},
		{"46328.375", Time, "2026-11-02 09:00:00", false},
		{"2026-11-02 09:00", Time, "2026-11-02 09:00", false},
	} {
		v, lossy := cellValue(tc.raw, tc.kind)
		if v != tc.want || lossy != tc.lossy {
			t.Errorf("cellValue(%q) = %q, %v; want %q, %v", tc.raw, v, lossy, tc.want, tc.lossy)
		}
	}
}

// zipOf builds a zip file from name → content, deflated.
func zipOf(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// minimalParts are the parts of a one-sheet workbook, with the sheet's XML given.
func minimalParts(sheet []byte) map[string][]byte {
	return map[string][]byte{
		"[Content_Types].xml":        []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		"_rels/.rels":                []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":            []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
		"xl/worksheets/sheet1.xml":   sheet,
	}
}

// TestReadMinimalWorkbook: the hand-built workbook the zip-bomb tests start from is readable
// when it is small, so that their refusals are about size.
func TestReadMinimalWorkbook(t *testing.T) {
	sheet := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>430211199003151236</t></is></c><c r="B2" t="inlineStr"><is><t>张三</t></is></c></row>` +
		`</sheetData></worksheet>`)
	tb, err := Read(bytes.NewReader(zipOf(t, minimalParts(sheet))), "m.xlsx", DefaultLimits(), rosterCols)
	if err != nil || len(tb.Rows) != 1 || tb.Rows[0].Values["id"] != "430211199003151236" {
		t.Fatalf("%v %+v", err, tb)
	}
}

// TestReadZipBomb: a small workbook whose sheet unpacks to more than 100 MiB is refused before
// it is unpacked.
func TestReadZipBomb(t *testing.T) {
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	pad := bytes.Repeat([]byte(" "), 101<<20)
	sheet := append(append(head, pad...), []byte(`</sheetData></worksheet>`)...)
	data := zipOf(t, minimalParts(sheet))
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not small", len(data))
	}
	_, err := Read(bytes.NewReader(data), "bomb.xlsx", DefaultLimits(), rosterCols)
	if !xiangpei.IsKind(err, xiangpei.TooLarge) || err.(*xiangpei.Error).Key != "sheet.zip_bomb" {
		t.Fatalf("zip bomb: %v", err)
	}
}

// TestReadZipBombLyingSizes: a workbook whose zip directory claims a small sheet while the
// sheet unpacks to far more is refused (the zip reader stops at the claimed size) without
// unpacking it all.
func TestReadZipBombLyingSizes(t *testing.T) {
	head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	body := head + strings.Repeat(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`, 1<<21) + `</sheetData></worksheet>`
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	io.WriteString(fw, body)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, part := range minimalParts(nil) {
		if name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.Create(name)
		w.Write(part)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 4096, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	tb, err := Read(bytes.NewReader(buf.Bytes()), "liar.xlsx", DefaultLimits(), rosterCols)
	if err == nil {
		t.Fatalf("a workbook with lying sizes was read: %d rows", len(tb.Rows))
	}
}

// TestReadTooManyRows: a sheet with more data rows than the limit is refused with a message
// that says the limit, for .xlsx and .csv alike.
func TestReadTooManyRows(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxRows = 50
	var rows [][]any
	for i := 0; i < 51; i++ {
		rows = append(rows, []any{fmt.Sprintf("4302111990010%05d", i), "张三"})
	}
	var xbuf bytes.Buffer
	if err := Write(&xbuf, "名册", []string{"身份证号", "姓名"}, rows); err != nil {
		t.Fatal(err)
	}
	var cbuf strings.Builder
	cbuf.WriteString("身份证号,姓名\n")
	for _, r := range rows {
		fmt.Fprintf(&cbuf, "%s,%s\n", r[0], r[1])
	}
	for name, data := range map[string][]byte{"big.xlsx": xbuf.Bytes(), "big.csv": []byte(cbuf.String())} {
		_, err := Read(bytes.NewReader(data), name, lim, rosterCols)
		e, ok := err.(*xiangpei.Error)
		if !ok || e.Key != "sheet.too_many_rows" || e.Kind != xiangpei.TooLarge || !strings.Contains(e.Text, "50") {
			t.Errorf("%s: %v", name, err)
		}
		lim2 := lim
		lim2.MaxRows = 51
		if tb, err := Read(bytes.NewReader(data), name, lim2, rosterCols); err != nil || len(tb.Rows) != 51 {
			t.Errorf("%s at the limit: %v %d", name, err, len(tb.Rows))
		}
	}
}

// TestReadRefusals: files that are not what they claim, too large, without a header.
func TestReadRefusals(t *testing.T) {
	lim := DefaultLimits()
	for _, tc := range []struct {
		name string
		data []byte
		key  string
	}{
		{"empty.csv", nil, "sheet.empty"},
		{"old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "sheet.xls"},
		{"fake.xlsx", []byte("身份证号,姓名\n"), "sheet.format"},
		{"broken.xlsx", []byte("PK\x03\x04 not really a zip"), "sheet.format"},
		{"noheader.csv", []byte("名字,电话\n张三,138\n"), "sheet.no_header"},
		{"late.csv", []byte(strings.Repeat("标题\n", 21) + "身份证号,姓名\n1,张三\n"), "sheet.no_header"},
		{"wide.csv", []byte(strings.Repeat("a,", 70) + "\n"), "sheet.too_many_cols"},
		{"quote.csv", []byte("身份证号,姓名\n\"1,张三\n\"2\"x\",李四\n"), ""},
		{"nul.csv", []byte("身份证号,姓名\n1\x00,张三\n"), "sheet.format"},
	} {
		_, err := Read(bytes.NewReader(tc.data), tc.name, lim, rosterCols)
		if tc.key == "" {
			continue // must simply not fail badly
		}
		e, ok := err.(*xiangpei.Error)
		if !ok || e.Key != tc.key {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
		}
	}
	small := lim
	small.MaxBytes = 10
	if _, err := Read(strings.NewReader("身份证号,姓名\n1,张三\n"), "x.csv", small, rosterCols); err != ErrTooLarge {
		t.Errorf("too large: %v", err)
	}
}

// TestWriteReadBack: a written workbook reads back; formulas are neutralised; the template's
// text columns are formatted as text, so an ID number typed there keeps every digit.
func TestWriteReadBack(t *testing.T) {
	var buf bytes.Buffer
	err := WriteWith(&buf, "学员名册", []string{"身份证号", "姓名", "手机号", "备注"}, [][]any{
		{"430211199003151236", "张三", "13807330001", "=HYPERLINK(\"http://evil\")"},
		{"43021119880808104X", "@李四", "13807330002", 3},
	}, Options{TextCols: []int{1, 3}, Widths: map[int]float64{1: 24}})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read(bytes.NewReader(buf.Bytes()), "x.xlsx", DefaultLimits(), rosterCols)
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, tb, 1, []want{
		{2, map[string]string{"id": "430211199003151236", "name": "张三", "phone": "13807330001", "note": "'=HYPERLINK(\"http://evil\")"}, nil},
		{3, map[string]string{"id": "43021119880808104X", "name": "'@李四", "note": "3"}, nil},
	})
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A2", "A50", "C9"} {
		id, err := f.GetCellStyle("学员名册", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("%s is not formatted as text: %v %+v", cell, err, st)
		}
	}
	if w, _ := f.GetColWidth("学员名册", "A"); w != 24 {
		t.Errorf("width %v", w)
	}
}

// FuzzRead: whatever the bytes, Read returns rows or an error and never panics; rows lie
// below their header, in order, with valid UTF-8 values.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"roster_mixed.xlsx", "roster_plain.xlsx", "roster_plain.csv", "roster_excel_gb18030.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, name)
	}
	f.Add([]byte("身份证号,姓名\n4.30211E+17,张三\n,,\n"), "a.csv")
	f.Add([]byte("\xEF\xBB\xBF身份证号,姓名,手机号\n\"x\"\"y\",张三,1.38E+10\n"), "b.csv")
	f.Add([]byte("PK\x03\x04"), "c.xlsx")
	lim := DefaultLimits()
	lim.MaxBytes, lim.MaxUnzipped = 1<<20, 8<<20
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		tb, err := Read(bytes.NewReader(data), name, lim, rosterCols)
		if err != nil {
			var e *xiangpei.Error
			if !errors.As(err, &e) {
				t.Fatalf("not a domain error: %v", err)
			}
			return
		}
		last := tb.HeaderLine
		for _, r := range tb.Rows {
			if r.Line <= last {
				t.Fatalf("row on line %d after line %d", r.Line, last)
			}
			last = r.Line
			for k, v := range r.Values {
				if !utf8.ValidString(v) {
					t.Fatalf("line %d %s not UTF-8: %q", r.Line, k, v)
				}
			}
		}
		if len(tb.Rows) > lim.MaxRows {
			t.Fatalf("%d rows over the limit", len(tb.Rows))
		}
	})
}
