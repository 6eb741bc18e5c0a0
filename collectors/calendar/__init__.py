"""The State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知): read
from plain text or a saved web page into festivals with their days off and make-up working
days, and written into a contract's calendar.years entry."""
