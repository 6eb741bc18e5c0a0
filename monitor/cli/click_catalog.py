"""click's own texts in Chinese: every string click's modules pass to gettext/ngettext, keyed
by click's English, for help_language to show when the chosen language is zh.

A test reads click's installed source and fails when click asks for a text missing here, so
a click upgrade that adds texts is noticed, not shown in English to Chinese readers.
"""

from __future__ import annotations

# Keyed by click's exact English; formatting fields ({name}, {value!r}) are kept as they are.
CLICK_ZH: dict[str, str] = {
    # Help pages.
    # The headings click adds ":" to, so "Usage:" has the same colon.
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "弃用警告：命令 {name!r} 已弃用。{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "弃用警告：{param_type} {name!r} 已弃用。{extra_message}"
    ),
    # Errors of the command line.
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "Value must be an iterable.": "值必须是可迭代的。",
    "Aborted!": "已中止！",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # Values of the wrong type.
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "Choice({choices})": "Choice({choices})",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合任一格式 {formats}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的布尔值。可用的值：{states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，但给了 {len_value} 个。"
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "需要 {len_type} 个值，但给了 {len_value} 个。"
    ),
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    # Prompts.
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Repeat for confirmation": "再次输入以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "d": "天",  # a progress bar's days left
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Unknown color {colour!r}": "未知的颜色 {colour!r}",
    "Unknown standard stream '{name}'": "未知的标准流 '{name}'",
    "Windows error: {error}": "Windows 错误：{error}",
    # Mistakes in a program's own declarations, shown to its developers.
    "Could not determine name for option with declarations {decls!r}": (
        "无法确定声明为 {decls!r} 的选项的名称"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument"
    " instead? Did you mean to pass '--{name}'?": (
        "未定义选项却给了名称（{name}）。是要声明参数吗？是要写成 '--{name}' 吗？"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "参数只能有一个声明，却给了 {length} 个：{decls}。"
    ),
    "Name '{name}' defined twice": "名称 '{name}' 定义了两次",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "布尔选项 {decl!r} 的真、假两值不能用同一个开关。"
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "低于 4.4 的 Bash 不支持命令补全。"
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "无法识别 Bash 的版本，不支持命令补全。"
    ),
}

# click names its Path types with these when a type is made, at import, before a run chooses
# its language; so they stay English here (a metavar PATH in both languages) and are
# translated where a text names them ({name}, through TYPE_NAMES_ZH).
KEPT_ENGLISH = frozenset({"file", "directory", "path"})

# click's English names of its types, which it puts into the texts above ({number_type},
# {name}, {param_type}) without asking gettext.
TYPE_NAMES_ZH: dict[str, str] = {
    "integer": "整数",
    "integer range": "整数",
    "float": "数值",
    "float range": "数值",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    # "{name} {filename!r} does not exist." names the type with a capital.
    "File": "文件",
    "Directory": "目录",
    "Path": "路径",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
}
