package xiangpei

// DomainMessages holds, per language and error key, the message template filled with the error's Args.
var DomainMessages = map[string]map[string]string{
	"zh-CN": {
		"id.empty":        "请填写身份证号。",
		"id.length":       "身份证号应该是18位（老身份证是15位），您填了 %v 位，请核对。",
		"id.chars":        "身份证号只能填数字，只有最后一位可以是字母 X。",
		"id.region":       "身份证号开头的“%v”不对，请核对是否填错。",
		"id.birth_date":   "身份证号里的出生日期 %v 不存在，请核对是否填错。",
		"id.birth_future": "身份证号里的出生日期 %v 还没到，请核对是否填错。",
		"id.check_digit":  "身份证号最后一位不对：应为 %v，实际为 %v。请核对是否有数字填错。",
		"credit.empty":    "请填写统一社会信用代码。",
		"credit.length":   "统一社会信用代码应该是18位，您填了 %v 位，请核对。",
		"credit.chars":    "统一社会信用代码里不能有“%v”。代码只由数字和大写字母组成，不会有 I、O、Z、S、V。",
		"phone.invalid":   "手机号不对，请填写11位手机号，以13到19开头。",
	},
	"en": {
		"id.empty":        "The ID number is missing.",
		"id.length":       "The ID number must have 18 characters (15 for an old number), but it has %v.",
		"id.chars":        "The ID number may contain only digits, with X allowed as the last character.",
		"id.region":       "The ID number starts with %v, which is not a valid province code.",
		"id.birth_date":   "The birth date in the ID number, %v, is not a real date.",
		"id.birth_future": "The birth date in the ID number, %v, is in the future.",
		"id.check_digit":  "The ID number's check digit is wrong: expected %v, got %v.",
		"credit.empty":    "The unified social credit code is missing.",
		"credit.length":   "The unified social credit code must have 18 characters, but it has %v.",
		"credit.chars":    "The unified social credit code contains “%v”, which is not allowed (it uses only digits and capital letters other than I, O, Z, S and V).",
		"phone.invalid":   "The mobile number is not valid: it must have 11 digits and start with 13 to 19.",
	},
}
