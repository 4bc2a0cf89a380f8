"""Sheet headers are Chinese in files whatever the page language (issue #9)."""


def test_files_keep_chinese_headers_and_english_headers_are_read_too():
    from django.utils import translation

    from tuoyu.regions.sheets import DIVISIONS

    col = DIVISIONS.column("code")
    with translation.override("en"):
        english = str(col.header)
        assert col.label == "区划代码"
        assert {"区划代码", english} <= set(col.names()) and english != "区划代码"
