"""The three fictional businesses and what their customers say (informal Indonesian, slang and emoji)."""

from __future__ import annotations

BUSINESSES = {
    "kopi-senja-jambi": {
        "name": "Kopi Senja Jambi",
        "city": "Jambi",
        "timezone": "Asia/Jakarta",
        "phone": "+62 811-7410-2233",
        "campaign": {"name": "Promo Kopi Gula Aren", "hashtags": ["#kopisenjaaren"], "keywords": ["gula aren", "SENJA10"],
                     "start_week": 6, "weeks": 3},
        "themes": {
            "request_less_sweet": [
                "kak bisa ga gulanya dikurangin? kemanisan bgt buat aku 🙏",
                "request dong varian less sugar, pengen tiap hari minum tp takut manis",
                "semoga ada pilihan gula setengah ya kak",
                "kalau bisa ada yg ga terlalu manis min, ortu sy diabetes",
                "tolong tambah opsi kurang manis dong kak 😭",
                "ditunggu varian less sweet nya ka",
                "min bikin yang manisnya dikit aja dong, enak tp terlalu manis",
                "saran: gula aren nya bisa request setengah takaran ga?",
            ],
            "complaint_leaking": [
                "kak botol literan nya bocor pas nyampe, tumpah semua di plastik 😢",
                "paket sampe tp tutup botolnya rembes kak, kardusnya basah",
                "ka kopi susunya bocor lagi, ini kedua kali loh",
                "kemasannya kurang rapet min, netes2 pas dibuka",
            ],
            "complaint_slow": [
                "udah 3 hari blm nyampe kak pesanan aku, kurirnya lama bgt",
                "pengiriman lama ya kak, katanya sameday tp ga dateng2",
                "min pesanan kmrn blm dikirim? lama banget prosesnya",
            ],
            "praise_taste": [
                "enak bgt kopinya kak, gula arennya kerasa 😍😍",
                "mantul kak, kopi susu terenak di jambi sih ini",
                "rasanya pas, ga pahit, suami sy suka bgt 👍",
                "kopinya mantap, langganan terus deh 🔥",
                "wangi kopinya enak pol, makasih kak",
            ],
            "question": [
                "kak buka jam brp hari minggu?",
                "ready kopi susu literan ga kak hari ini?",
                "bisa cod ga kak ke telanaipura?",
                "ongkir ke kota baru brp kak?",
                "harga 1 liter brp ka?",
            ],
        },
        "campaign_lines": [
            "kak aku liat video tiktok gula aren nya viral 😍 masih promo SENJA10 ga?",
            "mau pesen yg promo gula aren kak, kode SENJA10 ya",
            "temen aku share video #kopisenjaaren, pengen cobain dong",
            "kak promo gula aren masih ada? pesen 2 liter ya",
        ],
        "business_replies": ["siap kak, kami proses ya 🙏", "baik kak, terima kasih sudah order", "ditunggu ya kak 😊"],
    },
    "konveksi-rapi-tasik": {
        "name": "Konveksi Rapi Tasikmalaya",
        "city": "Tasikmalaya",
        "timezone": "Asia/Jakarta",
        "phone": "+62 812-2070-4455",
        "campaign": {"name": "Gamis Lebaran Rapi", "hashtags": ["#gamisrapi"], "keywords": ["gamis rapi", "RAPI15"],
                     "start_week": 4, "weeks": 4},
        "themes": {
            "request_bigger_size": [
                "kak ada size jumbo ga? aku biasa pake xxxl 🙏",
                "request ukuran 4L dong kak, yg xl kekecilan",
                "semoga ada ukuran big size ya kak, pengen bgt modelnya",
                "min tolong bikin yg size xxl, banyak temen aku nanya",
                "kalau bisa ld nya dibesarin kak, sempit di aku",
                "ditunggu size jumbo nya kak, langsung order 3",
            ],
            "complaint_slow": [
                "kak pesanan seragam aku udah seminggu blm dikirim, gmn nih",
                "lama bgt kak pengirimannya, katanya 3 hari",
                "kurirnya lama kak, resi ga gerak2 dari kemarin",
                "udah lewat janji kirim kak, acara tinggal 2 hari 😭",
            ],
            "praise_quality": [
                "jahitannya rapi bgt kak, bahannya adem 👍",
                "kualitas mantap, sesuai foto, makasih kak",
                "bagus bgt kak kaosnya, sablonnya ga luntur",
            ],
            "question": [
                "kak minimal order seragam brp pcs?",
                "bisa custom logo ga kak?",
                "bahan cotton combed 30s ready kak?",
            ],
        },
        "campaign_lines": [
            "kak liat gamis rapi di ig, masih bisa pake kode RAPI15?",
            "mau order gamis yg viral itu kak #gamisrapi",
        ],
        "business_replies": ["siap kak, dicatat ya", "baik kak, nanti kami kabari resinya", "terima kasih kak 🙏"],
    },
    "rotan-mahakam-samarinda": {
        "name": "Rotan Mahakam Samarinda",
        "city": "Samarinda",
        "timezone": "Asia/Makassar",
        "phone": "+62 813-4690-1122",
        "campaign": {"name": "Anyaman Mahakam", "hashtags": ["#anyamanmahakam"], "keywords": ["tas rotan", "MAHAKAM20"],
                     "start_week": 7, "weeks": 3},
        "themes": {
            "complaint_packaging": [
                "kak tas rotannya penyok pas nyampe, packingnya cuma plastik 😢",
                "paketnya rusak kak, anyamannya ada yg patah",
                "tolong packing pake kardus tebel kak, ini keranjangnya gepeng",
            ],
            "request_custom": [
                "bisa custom ukuran keranjang ga kak? pengen yg lebih gede",
                "request dong kak tas rotan warna natural tanpa pernis",
                "semoga ada model tas selempang rotan ya kak",
            ],
            "praise_craft": [
                "anyamannya halus bgt kak, cantik 😍",
                "bagus bgt tas rotannya, banyak yg nanya beli dimana",
                "kerajinannya rapi kak, bangga produk kaltim 👍",
            ],
            "question": [
                "kak kirim ke jakarta brp lama?",
                "ready keranjang parsel kak?",
                "bisa grosir buat souvenir nikahan kak?",
            ],
        },
        "campaign_lines": [
            "kak liat video anyaman mahakam nya, promo MAHAKAM20 masih?",
            "temen share #anyamanmahakam, mau pesen tas rotan 1",
        ],
        "business_replies": ["siap kak 🙏", "baik kak, kami packing yang aman ya", "terima kasih kak"],
    },
}

CUSTOMER_FIRST = ["Rina", "Dewi", "Sari", "Putri", "Ayu", "Budi", "Andi", "Rizky", "Fajar", "Nur", "Siti", "Wulan",
                  "Indah", "Yuni", "Agus", "Hendra", "Lestari", "Mega", "Tika", "Dimas", "Fitri", "Rahmat", "Intan"]
CUSTOMER_LAST = ["Wati", "Lestari", "Pratama", "Saputra", "Hidayat", "Kusuma", "Rahayu", "Santoso", "Nasution", ""]
HONORIFICS = ["Bu", "Kak", "Mbak", "Pak", "Mas", ""]
SMALL_TALK = ["oke kak", "makasih ya kak 🙏", "sip", "udah transfer ya kak", "ditunggu kak", "👍", "wkwk iya kak",
              "siap", "alamat sama kayak kemarin ya"]
